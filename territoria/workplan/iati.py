"""IATI 2.03 activity files: a plan is an activity of hierarchy 1, each of its actions an
activity of hierarchy 2 related to it. Activities imported from IATI keep their original XML:
on export, every element Territoria does not manage is written back as it came, and the
managed ones (status, participating organisations, sectors, budgets) too while nobody has
changed them here.
"""

from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from lxml import etree

from territoria.directory.models import Organisation
from territoria.workplan.models import IATI_STATUS, STATUS_FROM_IATI, Action, Budget, Partner, Plan, Section, Status, Visibility

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Children of iati-activity, in the order the 2.03 schema's sequence requires.
ORDER = [
    "iati-identifier", "reporting-org", "title", "description", "participating-org", "other-identifier", "activity-status",
    "activity-date", "contact-info", "activity-scope", "recipient-country", "recipient-region", "location", "sector", "tag",
    "country-budget-items", "humanitarian-scope", "policy-marker", "collaboration-type", "default-flow-type",
    "default-finance-type", "default-aid-type", "default-tied-status", "budget", "planned-disbursement", "capital-spend",
    "transaction", "document-link", "related-activity", "legacy-data", "conditions", "result", "crs-add", "fss",
]
MAX_BYTES = 50 * 1024 * 1024


class IatiError(ValueError):
    """A file that is not an IATI activity file Territoria can read."""


# ---------------------------------------------------------------- export
def export(plans) -> bytes:
    root = etree.Element("iati-activities", version="2.03", nsmap=None)
    root.set("generated-datetime", datetime.now(timezone.utc).replace(microsecond=0).isoformat())
    for plan in plans:
        root.append(plan_activity(plan))
        actions = plan.actions.select_related("section").prefetch_related("partners__organisation", "budget_lines", "indicators")
        for action in actions:
            root.append(action_activity(plan, action))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items() if v not in (None, "")})
    if text is not None:
        element.text = str(text)
    return element


def _narrative(parent, tag, text, **attributes):
    element = _sub(parent, tag, **attributes)
    _sub(element, "narrative", text)
    return element


def _reporting_org(activity):
    _narrative(activity, "reporting-org", settings.IATI_ORG_NAME, ref=settings.IATI_ORG_REF, type=settings.IATI_ORG_TYPE)


def _participants(partners, fallback):
    """(ref, role, type, name) of each participating organisation; the plan's owner (or the
    publisher) is accountable when nobody else is named."""
    rows = [(p.organisation.iati_ref, p.role, p.organisation.organisation_type, p.organisation.name) for p in partners]
    return rows or [fallback]


def _fallback(plan):
    if plan.owner:
        return (plan.owner.iati_ref, "2", plan.owner.organisation_type, plan.owner.name)
    return (settings.IATI_ORG_REF, "2", settings.IATI_ORG_TYPE, settings.IATI_ORG_NAME)


def _write_participants(activity, rows):
    for ref, role, type_code, name in rows:
        _narrative(activity, "participating-org", name, ref=ref, role=role, type=type_code)


def _dates(activity, start, end, status):
    if start:
        _sub(activity, "activity-date", iso_date=start.isoformat(), type="2" if status != Status.PLANNED else "1")
    if end:
        _sub(activity, "activity-date", iso_date=end.isoformat(), type="4" if status == Status.DONE else "3")
    if not start and not end:
        _sub(activity, "activity-date", iso_date=date.today().isoformat(), type="1")


def _budgets(activity, rows):
    for type_code, status, start, end, value, currency, value_date in rows:
        budget = _sub(activity, "budget", type=type_code, status=status)
        _sub(budget, "period-start", iso_date=start)
        _sub(budget, "period-end", iso_date=end)
        _sub(budget, "value", value, currency=currency, value_date=value_date)


def _budget_rows(lines):
    return [(b.type, b.status, b.period_start.isoformat(), b.period_end.isoformat(), _amount(b.value), b.currency, b.value_date.isoformat())
            for b in lines]


def _amount(value) -> str:
    """12500.50 -> '12500.5', 1E+6 -> '1000000': IATI decimals, no exponent."""
    return format(Decimal(value).normalize(), "f")


def _sector_rows(sectors):
    return [(s.get("vocabulary") or "1", str(s["code"]), _percentage(s.get("percentage"))) for s in sectors if s.get("code")]


def _percentage(value) -> str:
    return "" if value in (None, "") else _amount(value)


def _write_sectors(activity, rows):
    for vocabulary, code, percentage in rows:
        _sub(activity, "sector", vocabulary=vocabulary, code=code, percentage=percentage)


# How each group of elements Territoria manages is written from its rows.
WRITERS = {
    "activity-status": lambda activity, rows: _sub(activity, "activity-status", code=rows[0][0]),
    "participating-org": _write_participants,
    "sector": _write_sectors,
    "budget": _budgets,
}


def plan_activity(plan) -> etree._Element:
    partners = list(plan.partners.filter(action=None).select_related("organisation").order_by("pk"))
    managed = {
        "activity-status": [(IATI_STATUS[plan.status],)],
        "participating-org": _participants(partners, _fallback(plan)),
        "sector": _sector_rows(plan.sectors),
        "budget": _budget_rows(plan.budgets.filter(action=None)),
    }
    if plan.iati_xml:
        return _merge(plan, managed)
    activity = etree.Element("iati-activity", {"default-currency": plan.currency, "hierarchy": "1", XML_LANG: plan.language})
    activity.set("last-updated-datetime", plan.updated_at.replace(microsecond=0).isoformat())
    _sub(activity, "iati-identifier", plan.iati_identifier)
    _reporting_org(activity)
    _narrative(activity, "title", plan.title)
    _narrative(activity, "description", plan.description or plan.title, type="1")  # the schema requires one
    WRITERS["participating-org"](activity, managed["participating-org"])
    WRITERS["activity-status"](activity, managed["activity-status"])
    _dates(activity, plan.start, plan.end, plan.status)
    WRITERS["sector"](activity, managed["sector"])
    WRITERS["budget"](activity, managed["budget"])
    for action in plan.actions.all():
        _sub(activity, "related-activity", ref=action_identifier(plan, action), type="2")
    return activity


def action_identifier(plan, action) -> str:
    return action.iati_identifier or f"{plan.iati_identifier}-{action.pk}"


def action_activity(plan, action) -> etree._Element:
    currency = action.money_currency
    activity = etree.Element("iati-activity", {"default-currency": currency, "hierarchy": "2", XML_LANG: plan.language})
    activity.set("last-updated-datetime", action.updated_at.replace(microsecond=0).isoformat())
    _sub(activity, "iati-identifier", action_identifier(plan, action))
    _reporting_org(activity)
    _narrative(activity, "title", action.text)
    section = action.section
    _narrative(activity, "description", (f"{section.number} {section.title}".strip() if section else "") or action.text, type="1")
    _write_participants(activity, _participants(action.partners.all(), _fallback(plan)))
    _sub(activity, "activity-status", code=IATI_STATUS[action.status])
    _dates(activity, action.start or plan.start, action.end or plan.end, action.status)
    for country in action.countries:
        _sub(activity, "recipient-country", code=country, percentage=_amount(Decimal(100) / len(action.countries)) if len(action.countries) > 1 else None)
    _write_sectors(activity, _sector_rows(action.sectors))
    for goal in action.sdg_goals:
        _sub(activity, "tag", vocabulary="2", code=goal)
    for target in action.sdg_targets:
        _sub(activity, "tag", vocabulary="3", code=target)
    lines = _budget_rows(action.budget_lines.all())
    if not lines and action.budget is not None and (action.start or plan.start) and (action.end or plan.end):
        start, end = action.start or plan.start, action.end or plan.end
        lines = [("1", "1", start.isoformat(), end.isoformat(), _amount(action.budget), currency, start.isoformat())]
    _budgets(activity, lines)
    _sub(activity, "related-activity", ref=plan.iati_identifier, type="1")
    indicators = list(action.indicators.all())
    if indicators:
        result = _narrative(activity, "result", action.text[:200], type="1")
        for indicator in indicators:
            _indicator(result, indicator, action.start or plan.start, action.end or plan.end)
    return activity


def _indicator(result, indicator, start, end):
    element = _narrative(result, "indicator", indicator.title, measure="1", ascending="1")
    if indicator.baseline is not None:
        _sub(element, "baseline", year=indicator.baseline_year or (start.year if start else date.today().year), value=_amount(indicator.baseline))
    if start and end and (indicator.target is not None or indicator.actual is not None):
        period = _sub(element, "period")
        _sub(period, "period-start", iso_date=start.isoformat())
        _sub(period, "period-end", iso_date=end.isoformat())
        if indicator.target is not None:
            _sub(period, "target", value=_amount(indicator.target))
        if indicator.actual is not None:
            _sub(period, "actual", value=_amount(indicator.actual))


def _merge(plan, managed) -> etree._Element:
    """The imported activity, with the managed groups written from the database when they
    differ from what was imported, in the schema's order."""
    original = etree.fromstring(plan.iati_xml.encode())
    imported = read_managed(original)
    groups: dict[str, list] = {}
    for child in original:
        if isinstance(child.tag, str):
            groups.setdefault(child.tag, []).append(child)
    for tag, rows in managed.items():
        if rows != imported.get(tag):
            scratch = etree.Element("scratch")
            WRITERS[tag](scratch, rows)
            groups[tag] = list(scratch)
    activity = etree.Element(original.tag, original.attrib, nsmap=original.nsmap)
    known = set(ORDER)
    for tag in ORDER + [t for t in groups if t not in known]:
        for child in groups.get(tag, []):
            activity.append(child)
    return activity


# ---------------------------------------------------------------- import
def read_managed(activity) -> dict[str, list]:
    """The managed groups of an activity in the row shapes `plan_activity` compares."""
    def attr(element, name, default=""):
        return element.get(name, default) if element is not None else default

    status = activity.find("activity-status")
    return {
        "activity-status": [(attr(status, "code"),)] if status is not None else [],
        "participating-org": [(o.get("ref", ""), o.get("role", ""), o.get("type", ""), _text(o, activity_lang(activity)))
                              for o in activity.findall("participating-org")],
        "sector": [(s.get("vocabulary") or "1", s.get("code", ""), _percentage(s.get("percentage"))) for s in activity.findall("sector")],
        "budget": [(b.get("type", "1"), b.get("status", "1"), attr(b.find("period-start"), "iso-date"), attr(b.find("period-end"), "iso-date"),
                    _amount(_decimal(b.findtext("value"))), attr(b.find("value"), "currency") or activity.get("default-currency", ""),
                    attr(b.find("value"), "value-date")) for b in activity.findall("budget")],
    }


def activity_lang(activity) -> str:
    return (activity.get(XML_LANG) or "en").lower()[:2]


def _text(element, lang: str) -> str:
    """The narrative of an element in the activity's language, else its first one."""
    if element is None:
        return ""
    narratives = element.findall("narrative")
    for narrative in narratives:
        if (narrative.get(XML_LANG) or lang).lower()[:2] == lang:
            return (narrative.text or "").strip()
    return (narratives[0].text or "").strip() if narratives else ""


def _decimal(text) -> Decimal:
    try:
        return Decimal((text or "").strip())
    except InvalidOperation:
        raise IatiError(f"not a number: {text!r}") from None


def _date(text):
    try:
        return date.fromisoformat((text or "")[:10]) if text else None
    except ValueError:
        raise IatiError(f"not a date: {text!r}") from None


def parse(data: bytes, name: str = "file"):
    if len(data) > MAX_BYTES:
        raise IatiError(f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as problem:
        raise IatiError(f"{name}: not well-formed XML ({problem})") from None
    if root.tag != "iati-activities":
        raise IatiError(f"{name}: the root element is <{root.tag}>, not <iati-activities>")
    if not root.get("version", "").startswith("2."):
        raise IatiError(f"{name}: IATI version {root.get('version')!r}; Territoria reads version 2 files")
    return root


@transaction.atomic
def import_activities(data: bytes, name: str = "file") -> list:
    """Plans for the file's activities; children of a plan in the file (hierarchy 2 with a
    parent related-activity) become its actions. Importing the same file again updates them."""
    root = parse(data, name)
    activities = root.findall("iati-activity")
    if not activities:
        raise IatiError(f"{name}: no <iati-activity> in the file")
    plans, children = {}, []
    for activity in activities:
        identifier = (activity.findtext("iati-identifier") or "").strip()
        if not identifier:
            raise IatiError(f"{name}: an activity has no iati-identifier")
        parent = next((r.get("ref") for r in activity.findall("related-activity") if r.get("type") == "1"), None)
        if parent and activity.get("hierarchy", "1") != "1":
            children.append((activity, parent))
        else:
            plans[identifier] = _import_plan(activity, identifier)
    for activity, parent in children:
        plan = plans.get(parent) or Plan.objects.filter(iati_identifier=parent).first()
        if plan is not None:
            _import_action(plan, activity)
    return list(plans.values())


def _period(activity):
    """(start, end): actual dates before planned ones."""
    dates = {d.get("type"): _date(d.get("iso-date")) for d in activity.findall("activity-date")}
    return dates.get("2") or dates.get("1"), dates.get("4") or dates.get("3")


def _sectors(managed) -> list[dict]:
    return [{"vocabulary": v, "code": c, "percentage": p or None} for v, c, p in managed["sector"]]


def _replace_partners_and_budgets(plan, action, managed) -> None:
    """The participating organisations and budgets of the plan (action None) or an action, as the file gives them."""
    Partner.objects.filter(plan=plan, action=action).delete()
    for ref, role, type_code, name in managed["participating-org"]:
        Partner.objects.get_or_create(plan=plan, action=action, organisation=Organisation.for_iati(ref, name, type_code),
                                      role=role if role in "1234" else "4")
    Budget.objects.filter(plan=plan, action=action).delete()
    Budget.objects.bulk_create(Budget(plan=plan, action=action, type=t, status=s, period_start=_date(a), period_end=_date(b),
                                      value=Decimal(v), currency=c, value_date=_date(d) or _date(a))
                               for t, s, a, b, v, c, d in managed["budget"])


def _import_plan(activity, identifier) -> Plan:
    lang = activity_lang(activity)
    managed = read_managed(activity)
    plan = Plan.objects.filter(iati_identifier=identifier).first() or Plan(iati_identifier=identifier, visibility=Visibility.MEMBERS)
    plan.title = _text(activity.find("title"), lang)[:300] or identifier
    plan.description = _text(activity.find("description"), lang)
    plan.language = lang if lang in ("fr", "en", "es") else "en"
    plan.currency = activity.get("default-currency") or plan.currency
    plan.status = STATUS_FROM_IATI.get(managed["activity-status"][0][0], "in_progress") if managed["activity-status"] else plan.status
    plan.start, plan.end = _period(activity)
    plan.sectors = _sectors(managed)
    plan.iati_xml = etree.tostring(activity, encoding="unicode")
    plan.save()
    _replace_partners_and_budgets(plan, None, managed)
    return plan


def _import_action(plan, activity) -> Action:
    lang = activity_lang(activity)
    identifier = activity.findtext("iati-identifier").strip()
    managed = read_managed(activity)
    action = Action.objects.filter(plan=plan, iati_identifier=identifier).first() or Action(plan=plan, iati_identifier=identifier)
    action.text = _text(activity.find("title"), lang) or identifier
    description = _text(activity.find("description"), lang)
    if description:
        number, _, title = description.partition(" ")
        number, title = (number, title) if number[:1].isdigit() else ("", description)
        action.section = Section.objects.get_or_create(plan=plan, number=number, defaults={"title": title[:500], "pillar": number.split(".")[0]})[0]
    action.status = STATUS_FROM_IATI.get(managed["activity-status"][0][0], "planned") if managed["activity-status"] else action.status
    action.start, action.end = _period(activity)
    action.sectors = _sectors(managed)
    action.countries = [c.get("code") for c in activity.findall("recipient-country") if c.get("code")]
    action.sdg_goals = [int(t.get("code")) for t in activity.findall("tag") if t.get("vocabulary") == "2" and t.get("code", "").isdigit()]
    action.sdg_targets = [t.get("code") for t in activity.findall("tag") if t.get("vocabulary") == "3"]
    action.currency = activity.get("default-currency", "")
    action.order = action.order or plan.actions.count() + 1
    action.save()
    _replace_partners_and_budgets(plan, action, managed)
    return action


def validate(data: bytes, schema_path) -> list[str]:
    """Messages of the XSD validation of an activity file (empty when valid)."""
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    schema.validate(etree.fromstring(data))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
