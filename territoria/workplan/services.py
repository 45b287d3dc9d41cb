"""Work-plan operations: a plan from a document's extracted actions, progress roll-ups and
the action filters the tracker, dashboards, reports and exports share."""

import re
from collections import Counter, defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from territoria.directory.models import Organisation
from territoria.extraction.models import Fact, Kind, Source, Topic
from territoria.extraction.resolve import first_organisation
from territoria.library.models import Passage
from territoria.workplan.models import Action, ActionKind, Partner, Plan, Role, Section, Status, Visibility

# DAC 5-digit sectors: 15185 "Local government administration" for actions about running
# local administrations and building their capacities; 15112 "Decentralisation and support
# to subnational government" for the rest of a local-government network's work.
ADMINISTRATION_RE = re.compile(
    r"(?i)capacit|administration|administraci|gestion publique|public management|gesti[oó]n p[uú]blica|fonction publique|civil service"
)
OWNER_KINDS = {"world_organisation", "regional_section", "network", "local_government_association", "body"}


def sectors_for(text: str) -> list[dict]:
    code = "15185" if ADMINISTRATION_RE.search(text) else "15112"
    return [{"code": code, "vocabulary": "1"}]


def plan_identifier(pk: int) -> str:
    return f"{settings.IATI_ORG_REF}-WP-{pk}"


@transaction.atomic
def import_document(document) -> tuple[Plan, int]:
    """The plan of a document's extracted actions, created on first import and completed with
    actions extracted since on the next one (what editors changed stays). Returns the plan and
    the number of actions added."""
    facts = sorted(Fact.objects.live().filter(kind=Kind.ACTION, document=document).select_related("plan_action"),
                   key=lambda f: (f.data.get("order") or 0, f.pk))
    plan = Plan.objects.filter(document=document).first()
    if plan is None:
        year = document.year
        plan = Plan.objects.create(
            title=document.title, language=document.language or "fr", document=document, iati_identifier=f"new-{document.pk}",
            owner=_owner(document), visibility=Visibility.MEMBERS if document.visibility == "members" else Visibility.DRAFT,
            start=date(year, 1, 1) if year else None, end=date(year, 12, 31) if year else None,
            sectors=[{"code": "15112", "vocabulary": "1"}],
        )
        plan.iati_identifier = plan_identifier(plan.pk)
        plan.save(update_fields=["iati_identifier"])
        if plan.owner:
            Partner.objects.create(plan=plan, organisation=plan.owner, role=Role.ACCOUNTABLE)
    sections = {s.number: s for s in plan.sections.all()}
    headings = _headings(document)
    new = [f for f in facts if not hasattr(f, "plan_action")]
    passages = _first_passages(new)
    topics, countries = _topics(passages.values()), _countries(passages.values())
    organisations: dict[str, Organisation] = {}  # by name, for the whole import
    order = (plan.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    for fact in new:
        data = fact.data
        number = data.get("section") or ""
        section = sections.get(number)
        if section is None:
            pillar = number.split(".")[0]
            section = sections[number] = Section.objects.create(
                plan=plan, number=number, title=data.get("section_title") or headings.get(number, ""), pillar=pillar,
                pillar_title=headings.get(pillar, ""), order=len(sections))
        passage_id = passages.get(fact.pk)
        action = Action.objects.create(
            plan=plan, section=section, fact=fact, order=order, text=data.get("text", ""), kind=data.get("kind") or ActionKind.OTHER,
            partnership=data.get("partnership") or "", sdg_goals=topics[passage_id]["sdg"], themes=topics[passage_id]["theme"],
            countries=countries[passage_id], sectors=sectors_for(data.get("text", "")), start=plan.start, end=plan.end,
        )
        order += 1
        _add_partners(action, data, organisations)
    return plan, len(new)


def _owner(document) -> Organisation | None:
    """The organisation a plan belongs to: the network the document names most."""
    counts = Counter(
        Source.objects.filter(document=document, fact__kind=Kind.ORGANISATION, fact__merged_into=None)
        .exclude(fact__state="rejected").values_list("fact_id", flat=True)
    )
    facts = [f for f in Fact.objects.filter(pk__in=counts) if f.data.get("kind") in OWNER_KINDS]
    return Organisation.for_fact(max(facts, key=lambda f: (counts[f.pk], -f.pk))) if facts else None


def _headings(document) -> dict[str, str]:
    rows = Passage.objects.filter(version=document.current_id, kind="heading").exclude(number="").values_list("number", "section_title")
    return {number.rstrip("."): title for number, title in rows}


def _first_passages(facts) -> dict[int, int]:
    """fact id -> the passage of its first source, in one query."""
    first: dict[int, int] = {}
    rows = Source.objects.filter(fact__in=facts).order_by("fact_id", "passage__order").values_list("fact_id", "passage_id")
    for fact_id, passage_id in rows:
        first.setdefault(fact_id, passage_id)
    return first


def _topics(passages) -> dict:
    found = defaultdict(lambda: {"sdg": [], "theme": []})
    for topic in Topic.objects.filter(passage_id__in=list(passages)).order_by("-score"):
        value = int(topic.code) if topic.scheme == "sdg" else topic.code
        found[topic.passage_id][topic.scheme].append(value)
    return found


def _countries(passages) -> dict:
    found = defaultdict(list)
    for passage_id, data in Source.objects.filter(passage_id__in=list(passages), fact__kind=Kind.PLACE).values_list("passage_id", "fact__data"):
        code = (data or {}).get("country_code")
        if code and code not in found[passage_id]:
            found[passage_id].append(code)
    return found


def _add_partners(action: Action, data: dict, organisations: dict) -> None:
    """The partnership's organisation funds the action; the organisations it names implement it."""
    if action.partnership:
        Partner.objects.create(plan=action.plan, action=action, organisation=_organisation(action.partnership, organisations),
                               role=Role.FUNDING)
    named = dict.fromkeys(_organisation(name, organisations) for name in data.get("organisations") or [])
    taken = {action.plan.owner_id, *action.partners.values_list("organisation_id", flat=True)}
    Partner.objects.bulk_create(Partner(plan=action.plan, action=action, organisation=o, role=Role.IMPLEMENTING)
                                for o in named if o.pk not in taken)


def _organisation(name: str, cache: dict) -> Organisation:
    """The directory record of a name: its gazetteer entry's (through the fact extraction made
    of it, when there is one), else a record of that name."""
    if name not in cache:
        entry = first_organisation(name)
        fact = Fact.objects.filter(kind=Kind.ORGANISATION, key=f"gaz:{entry.id}").first() if entry else None
        if fact:
            cache[name] = Organisation.for_fact(fact)
        elif entry:
            cache[name] = Organisation.objects.filter(name=entry.name).first() or Organisation.objects.create(
                name=entry.name, acronym=entry.acronym or "", aliases=entry.aliases, kind=entry.kind, country=entry.country or "")
        else:
            cache[name] = Organisation.objects.filter(name=name).first() or Organisation.objects.create(name=name)
    return cache[name]


# ---------------------------------------------------------------- progress and filters
def weighted_progress(actions) -> int | None:
    """Progress of a set of actions, weighted; dropped actions do not count."""
    counted = [a for a in actions if a.status != Status.DROPPED]
    weight = sum(a.weight for a in counted)
    return round(sum(a.progress * a.weight for a in counted) / weight) if weight else None


def visible_plans(user):
    from territoria.core.roles import can_edit, is_member

    plans = Plan.objects.all()
    if can_edit(user):
        return plans
    if is_member(user):
        return plans.exclude(visibility=Visibility.DRAFT)
    return plans.filter(visibility=Visibility.PUBLIC)


FILTERS = ("status", "kind", "partnership", "funder", "partner", "sdg", "country", "section", "pillar", "late", "q")


def filter_actions(plan, params) -> tuple[list[Action], dict]:
    """The plan's actions that pass the filters in `params` (a QueryDict or dict)."""
    chosen = {k: params.get(k) for k in FILTERS if params.get(k)}
    actions = plan.actions.select_related("section").prefetch_related("partners__organisation")
    if "status" in chosen:
        actions = actions.filter(status=chosen["status"])
    if "kind" in chosen:
        actions = actions.filter(kind=chosen["kind"])
    if "partnership" in chosen:
        actions = actions.filter(partnership__iexact=chosen["partnership"])
    if "funder" in chosen:
        actions = actions.filter(partners__organisation_id=_int(chosen["funder"]), partners__role=Role.FUNDING)
    if "partner" in chosen:
        actions = actions.filter(partners__organisation_id=_int(chosen["partner"]))
    if "section" in chosen:
        actions = actions.filter(section__number=chosen["section"])
    if "pillar" in chosen:
        actions = actions.filter(section__pillar=chosen["pillar"])
    if "q" in chosen:
        actions = actions.filter(Q(text__icontains=chosen["q"]) | Q(responsible_unit__icontains=chosen["q"]))
    found = list(actions.distinct())
    if "sdg" in chosen:  # JSON lists: filtered here, the same on SQLite and PostgreSQL
        found = [a for a in found if _int(chosen["sdg"]) in a.sdg_goals]
    if "country" in chosen:
        found = [a for a in found if chosen["country"].upper() in a.countries]
    if "late" in chosen:
        found = [a for a in found if a.overdue or a.status == Status.DELAYED]
    return found, chosen


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
