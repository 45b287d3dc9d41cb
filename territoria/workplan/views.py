"""Work-plan pages: plans, a plan's actions with filters, its dashboard, an action with its
timeline, donor reports and the IATI file. Each page has a JSON twin (?format=json)."""

import uuid
from collections import defaultdict
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from territoria.core.roles import can_edit, editor_required
from territoria.directory.models import Organisation
from territoria.extraction.models import Fact, Kind
from territoria.library.models import Document
from territoria.web.views import respond
from territoria.workplan import iati, reports
from territoria.workplan.exports import tracked
from territoria.workplan.models import Action, ActionKind, Indicator, Partner, Plan, Role, Section, Status, Update
from territoria.workplan.services import filter_actions, import_document, plan_identifier, sectors_for, visible_plans, weighted_progress


def _plan(request, pk) -> Plan:
    return get_object_or_404(visible_plans(request.user).select_related("owner", "document"), pk=pk)


def _action_record(action) -> dict:
    return {"id": action.pk, "section": action.section.number if action.section else None, "text": action.text, "kind": action.kind,
            "partnership": action.partnership or None, "start": action.start, "end": action.end, "overdue": action.overdue,
            "sdgs": action.sdg_goals, "countries": action.countries, "fact_id": action.fact_id, **tracked(action)}


def _plan_record(plan, actions) -> dict:
    return {"id": plan.pk, "title": plan.title, "iati_identifier": plan.iati_identifier, "visibility": plan.visibility,
            "status": plan.status, "start": plan.start, "end": plan.end, "currency": plan.currency,
            "document_id": plan.document_id, "owner": plan.owner.name if plan.owner else None,
            "progress": weighted_progress(actions), "actions": len(actions)}


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "description", "visibility", "status", "start", "end", "currency", "owner"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}


class NewActionForm(forms.Form):
    section = forms.CharField(label=gettext_lazy("Section number"), max_length=20, required=False)
    section_title = forms.CharField(label=gettext_lazy("Section title"), max_length=500, required=False)
    text = forms.CharField(label=gettext_lazy("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ActionKind.choices)


def plans(request, format=None):
    if request.method == "POST":  # an editor starts a plan by hand
        if not can_edit(request.user):
            raise PermissionDenied
        form = PlanForm(request.POST)
        if form.is_valid():
            plan = form.save(commit=False)
            plan.iati_identifier = f"new-{uuid.uuid4()}"
            plan.save()
            plan.iati_identifier = plan_identifier(plan.pk)
            plan.save(update_fields=["iati_identifier"])
            return redirect("workplan:plan", pk=plan.pk)
    else:
        form = PlanForm() if can_edit(request.user) else None
    found = list(visible_plans(request.user).select_related("owner").prefetch_related("actions"))
    rows = [(plan, list(plan.actions.all())) for plan in found]
    payload = {"plans": [_plan_record(plan, actions) for plan, actions in rows]}
    context = {"rows": [(plan, weighted_progress(actions), len(actions)) for plan, actions in rows], "form": form}
    return respond(request, "workplan/plans.html", context, payload, format)


def plan(request, pk, format=None):
    plan = _plan(request, pk)
    editor = can_edit(request.user)
    form, new_action = (PlanForm(instance=plan), NewActionForm()) if editor else (None, None)
    if request.method == "POST":
        if not editor:
            raise PermissionDenied
        if request.POST.get("form") == "action":
            new_action = NewActionForm(request.POST)
            if new_action.is_valid():
                _add_action(plan, new_action.cleaned_data)
                messages.success(request, _("Action saved."))
                return redirect("workplan:plan", pk=plan.pk)
        else:
            form = PlanForm(request.POST, instance=plan)
            if form.is_valid():
                form.save()
                messages.success(request, _("Plan saved."))
                return redirect("workplan:plan", pk=plan.pk)
    actions, chosen = filter_actions(plan, request.GET)
    sections = defaultdict(list)
    for action in actions:
        sections[action.section].append(action)
    funders = Organisation.objects.filter(partnerships__plan=plan, partnerships__role=Role.FUNDING).distinct()
    payload = {**_plan_record(plan, actions), "filters": chosen, "items": [_action_record(a) for a in actions]}
    context = {
        "plan": plan, "sections": [(s, items, weighted_progress(items)) for s, items in sections.items()],
        "total": len(actions), "progress": weighted_progress(actions), "chosen": chosen, "funders": funders,
        "partnerships": sorted(set(plan.actions.exclude(partnership="").values_list("partnership", flat=True))),
        "statuses": Status.choices, "kinds": ActionKind.choices, "pillars": _pillars(plan), "sdgs": range(1, 18),
        "report_formats": reports.FORMATS, "today": date.today(), "year_start": date(date.today().year, 1, 1), "form": form,
        "new_action": new_action,
    }
    return respond(request, "workplan/plan.html", context, payload, format)


def _add_action(plan, data) -> Action:
    number = data["section"].strip().rstrip(".")
    section = plan.sections.filter(number=number).first() or Section.objects.create(
        plan=plan, number=number, title=data["section_title"], pillar=number.split(".")[0], order=plan.sections.count())
    order = (plan.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Action.objects.create(plan=plan, section=section, text=data["text"], kind=data["kind"], order=order,
                                 start=plan.start, end=plan.end, sectors=sectors_for(data["text"]))


def _pillars(plan):
    return list(dict.fromkeys((s.pillar, s.pillar_title) for s in plan.sections.exclude(pillar="")))


# ---------------------------------------------------------------- dashboard
def dashboard(request, pk, format=None):
    plan = _plan(request, pk)
    actions = list(plan.actions.select_related("section").prefetch_related("partners__organisation"))
    try:
        since = date.fromisoformat(request.GET.get("since", "")) if request.GET.get("since") else date.today() - timedelta(days=30)
    except ValueError:
        return HttpResponseBadRequest(_("“since” must be a date (YYYY-MM-DD)."))
    groups = {
        "pillar": _group(actions, lambda a: [f"{a.section.pillar} {a.section.pillar_title}".strip()] if a.section else []),
        "section": _group(actions, lambda a: [str(a.section)] if a.section else []),
        "funder": _group(actions, lambda a: [p.organisation.short for p in a.partners.all() if p.role == Role.FUNDING]),
        "partner": _group(actions, lambda a: [p.organisation.short for p in a.partners.all()])[:15],
        "sdg": sorted(_group(actions, lambda a: [_("SDG %(goal)s") % {"goal": g} for g in a.sdg_goals]), key=lambda r: int(r["label"].split()[-1])),
        "country": _group(actions, lambda a: a.countries),
    }
    late = [a for a in actions if a.status == Status.DELAYED or a.overdue]
    updates = list(Update.objects.filter(action__plan=plan, date__gte=since).select_related("action", "author")[:100])
    changed = [a for a in actions if a.updated_at.date() >= since]
    payload = {"plan": _plan_record(plan, actions), "since": since, "groups": groups, "late": [_action_record(a) for a in late],
               "updates": [{"action_id": u.action_id, "date": u.date, "kind": u.kind, "text": u.text, "status": u.status, "progress": u.progress}
                           for u in updates],
               "changed": [a.pk for a in changed]}
    titles = {"pillar": _("Progress by pillar"), "section": _("Progress by section"), "funder": _("Progress by funder"),
              "partner": _("Progress by partner"), "sdg": _("Progress by SDG"), "country": _("Progress by country")}
    context = {"plan": plan, "progress": weighted_progress(actions), "total": len(actions), "since": since, "late": late,
               "updates": updates, "changed": changed, "charts": [(key, titles[key], groups[key]) for key in titles],
               "by_status": [(label, sum(a.status == value for a in actions)) for value, label in Status.choices]}
    return respond(request, "workplan/dashboard.html", context, payload, format)


def _group(actions, keys) -> list[dict]:
    """[{label, actions, progress, late}] for the groups `keys(action)` puts each action in, biggest first."""
    grouped = defaultdict(list)
    for action in actions:
        for key in keys(action):
            grouped[key].append(action)
    rows = [{"label": key, "actions": len(items), "progress": weighted_progress(items) or 0,
             "late": sum(a.status == Status.DELAYED or a.overdue for a in items)} for key, items in grouped.items()]
    return sorted(rows, key=lambda r: (-r["actions"], r["label"]))


# ---------------------------------------------------------------- action page and forms
class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["text", "kind", "partnership", "status", "progress", "weight", "responsible_unit", "responsible_person",
                  "start", "end", "budget", "spent", "currency"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"}),
                   "text": forms.Textarea(attrs={"rows": 3}), "progress": forms.NumberInput(attrs={"min": 0, "max": 100})}

    def clean_progress(self):
        value = self.cleaned_data["progress"]
        if not 0 <= value <= 100:
            raise forms.ValidationError(_("Progress is a percentage between 0 and 100."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes before the start."))
        return data


class UpdateForm(forms.ModelForm):
    link = forms.URLField(required=False, assume_scheme="https", label=gettext_lazy("evidence link"))

    class Meta:
        model = Update
        fields = ["kind", "date", "text", "status", "progress", "link", "document", "event"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.visible_to(user).order_by("title")
        self.fields["event"].queryset = Fact.objects.live().filter(kind=Kind.EVENT).order_by("-id")
        self.fields["event"].label_from_instance = lambda fact: f"{fact.data.get('start', '')} {fact.label}"[:120]

    def clean_progress(self):
        value = self.cleaned_data.get("progress")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("Progress is a percentage between 0 and 100."))
        return value


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), label=gettext_lazy("Organisation"))
    role = forms.ChoiceField(choices=Role.choices, label=gettext_lazy("Role"))


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["title", "unit", "baseline", "baseline_year", "target", "actual"]


def may_update(user, action) -> bool:
    """Editors, and members acting for an organisation that is a partner of the action."""
    if can_edit(user):
        return True
    return user.is_authenticated and action.partners.filter(organisation__members=user).exists()


def action(request, pk, format=None):
    action = get_object_or_404(Action.objects.select_related("plan", "section", "fact"), pk=pk, plan__in=visible_plans(request.user))
    editor, updater = can_edit(request.user), may_update(request.user, action)
    forms_ = {"edit": ActionForm(instance=action), "update": UpdateForm(user=request.user), "partner": PartnerForm(), "indicator": IndicatorForm()}
    if request.method == "POST":
        which = request.POST.get("form")
        if which not in forms_ or (which != "update" and not editor) or (which == "update" and not updater):
            raise PermissionDenied
        handled = _post(request, action, which)
        if handled is True:
            return redirect("workplan:action", pk=action.pk)
        forms_[which] = handled
    updates = list(action.updates.select_related("author", "organisation", "document", "event"))
    payload = {**_action_record(action), "section_title": action.section.title if action.section else None,
               "responsible_unit": action.responsible_unit, "responsible_person": action.responsible_person,
               "spent": None if action.spent is None else float(action.spent), "themes": action.themes, "sectors": action.sectors,
               "indicators": [{"title": i.title, "unit": i.unit, "baseline": i.baseline, "target": i.target, "actual": i.actual}
                              for i in action.indicators.all()],
               "updates": [{"date": u.date, "kind": u.kind, "text": u.text, "status": u.status, "progress": u.progress, "link": u.link}
                           for u in updates]}
    sources = list(action.fact.sources.select_related("passage", "document")) if action.fact else []
    context = {"action": action, "plan": action.plan, "updates": updates, "forms": forms_, "editor": editor, "updater": updater,
               "sources": sources, "partners": action.partners.select_related("organisation")}
    return respond(request, "workplan/action.html", context, payload, format)


def _post(request, action, which):
    """True when the form was saved, else the bound form with its errors."""
    if which == "edit":
        form = ActionForm(request.POST, instance=action)
        if form.is_valid():
            form.save()
            messages.success(request, _("Action saved."))
            return True
        return form
    if which == "update":
        form = UpdateForm(request.POST, user=request.user)
        if form.is_valid():
            update = form.save(commit=False)
            update.action, update.author = action, request.user
            update.organisation = Organisation.objects.filter(members=request.user, partnerships__action=action).first()
            update.save()
            if update.kind == Update.Kind.UPDATE and (update.status or update.progress is not None):
                action.status = update.status or action.status
                action.progress = action.progress if update.progress is None else update.progress
                action.save(update_fields=["status", "progress", "updated_at"])
            messages.success(request, _("Update posted."))
            return True
        return form
    if which == "partner":
        form = PartnerForm(request.POST)
        if form.is_valid():
            Partner.objects.get_or_create(plan=action.plan, action=action, organisation=form.cleaned_data["organisation"], role=form.cleaned_data["role"])
            return True
        return form
    form = IndicatorForm(request.POST)
    if form.is_valid():
        indicator = form.save(commit=False)
        indicator.action = action
        indicator.save()
        return True
    return form


# ---------------------------------------------------------------- files and import
def report(request, pk):
    plan = _plan(request, pk)
    fmt = request.GET.get("as", "docx")
    language = request.GET.get("language") or get_language()
    try:
        start = date.fromisoformat(request.GET.get("start") or f"{date.today().year}-01-01")
        end = date.fromisoformat(request.GET.get("end") or date.today().isoformat())
    except ValueError:
        return HttpResponseBadRequest(_("Start and end must be dates (YYYY-MM-DD)."))
    if fmt not in reports.FORMATS or language not in ("en", "fr", "es") or end < start:
        return HttpResponseBadRequest(_("Choose a format (docx, pdf, xlsx), a language (en, fr, es) and a period that ends after it starts."))
    built = reports.build(plan, start, end, request.GET.get("funder") or None, request.GET.get("partnership", ""))
    response = HttpResponse(reports.render(built, fmt, language), content_type=reports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-report-{start}-{end}.{fmt}"'
    return response


def plan_iati(request, pk):
    plan = _plan(request, pk)
    response = HttpResponse(iati.export([plan]), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{plan.iati_identifier}.xml"'
    return response


@require_POST
@editor_required
def import_plan(request, pk):
    document = get_object_or_404(Document, pk=pk)
    plan, added = import_document(document)
    if not plan.actions.exists():
        messages.warning(request, _("No action was found in this document: the plan is empty."))
    else:
        messages.success(request, _("Work plan ready: %(added)s actions added.") % {"added": added})
    return redirect("workplan:plan", pk=plan.pk)
