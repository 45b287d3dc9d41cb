"""Directory pages: the directory with filters and search, its map, organisation and person
profiles, needs and offers with their explained matches, "find a partner", contact, and the
editors' tools (member-list import with preview, duplicates and merge). Each reading page has
a JSON twin (?format=json). Contact details are for signed-in members only."""

import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from territoria.core.roles import can_edit, editor_required, is_member
from territoria.directory import areas, exports, services
from territoria.directory.matching import Matcher, capacity_terms, explain, joint_requests, suggestions
from territoria.directory.models import KINDS, WORKING_LANGUAGES, Capacity, CapacityKind, Direction, Organisation, Person
from territoria.web.views import respond

PAGE_SIZE = 50


def may_edit(user, organisation: Organisation) -> bool:
    """Editors curate every record; a member edits the organisation they are a focal point of."""
    return can_edit(user) or (user.is_authenticated and organisation.members.filter(pk=user.pk).exists())


def _refused(request, allowed=lambda: True, next_url: str | None = None):
    """Visitors go to the login page (then back to `next_url`, this page by default), signed-in
    users not `allowed()` get 403; None lets them in."""
    if not request.user.is_authenticated:
        return redirect_to_login(next_url or request.get_full_path())
    if not allowed():
        raise PermissionDenied
    return None


def _themes():
    from territoria.extraction.topics import theme_labels

    return sorted(theme_labels().items(), key=lambda t: t[1])


def _multi(choices):
    return forms.MultipleChoiceField(choices=choices, required=False, widget=forms.CheckboxSelectMultiple)


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "city", "description", "website", "email", "phone", "languages"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(label=_("Country"), choices=[("", "–"), *areas.country_choices()], required=False)
        self.fields["languages"] = _multi(WORKING_LANGUAGES)
        self.fields["languages"].label = _("Working languages")


class CapacityForm(forms.ModelForm):
    class Meta:
        model = Capacity
        fields = ["direction", "kind", "title", "text", "themes", "sdgs", "countries", "languages", "active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"] = _multi(_themes())
        self.fields["themes"].label = _("Themes")
        self.fields["sdgs"] = forms.TypedMultipleChoiceField(label=_("SDGs"), coerce=int, required=False, choices=[(g, str(g)) for g in range(1, 18)],
                                                             widget=forms.CheckboxSelectMultiple)
        self.fields["countries"] = forms.MultipleChoiceField(label=_("Countries"), required=False, choices=areas.country_choices(),
                                                             widget=forms.SelectMultiple(attrs={"size": 6}))
        self.fields["languages"] = _multi(WORKING_LANGUAGES)
        self.fields["languages"].label = _("Languages")


class FindForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of help"), choices=[("", "–"), *CapacityKind.choices], required=False)
    text = forms.CharField(label=gettext_lazy("What are you looking for?"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"] = _multi(_themes())
        self.fields["themes"].label = _("Themes")
        self.fields["country"] = forms.ChoiceField(label=_("Country"), choices=[("", "–"), *areas.country_choices()], required=False)
        self.fields["languages"] = _multi(WORKING_LANGUAGES)
        self.fields["languages"].label = _("Languages")


class ContactForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Member list (CSV or XLSX)"))


# --- Directory, map ----------------------------------------------------------------------

FILTERS = ("q", "kind", "country", "region", "theme", "capacity")


def _filtered(request):
    chosen = {f: request.GET.get(f, "").strip()[:200] for f in FILTERS}
    orgs = Organisation.objects.all()
    if chosen["q"]:
        q = chosen["q"]
        orgs = orgs.filter(Q(name__icontains=q) | Q(acronym__icontains=q) | Q(aliases__icontains=q) | Q(city__icontains=q)
                           | Q(description__icontains=q))
    if chosen["kind"]:
        orgs = orgs.filter(kind=chosen["kind"])
    if chosen["country"]:
        orgs = orgs.filter(country=chosen["country"].upper())
    if chosen["region"]:
        orgs = orgs.filter(country__in=areas.countries_in(chosen["region"]))
    if chosen["theme"] or chosen["capacity"]:
        caps = Capacity.objects.filter(active=True)
        if chosen["capacity"] in Direction.values:
            caps = caps.filter(direction=chosen["capacity"])
        if chosen["theme"]:
            caps = caps.filter(themes__icontains=f'"{chosen["theme"]}"')
        orgs = orgs.filter(pk__in=caps.values("organisation"))
    return orgs, chosen


def directory(request, format=None):
    orgs, chosen = _filtered(request)
    orgs = orgs.annotate(needs=Count("capacities", filter=Q(capacities__active=True, capacities__direction=Direction.NEED), distinct=True),
                         offers=Count("capacities", filter=Q(capacities__active=True, capacities__direction=Direction.OFFER), distinct=True))
    page = Paginator(orgs.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    members = is_member(request.user)
    rows = []
    for org in page:
        record = exports.organisation_record(org)
        record.update(needs=org.needs, offers=org.offers)
        if not members:
            record.update(email="", phone="")
        rows.append(record)
    context = {"page": page, "chosen": chosen, "kinds": KINDS, "regions": areas.REGIONS.items(), "themes": _themes(),
               "countries": areas.country_choices(), "count": page.paginator.count}
    payload = {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "organisations": rows}
    return respond(request, "directory/directory.html", context, payload, format)


def world_map(request, format=None):
    orgs, chosen = _filtered(request)
    counts = Counter(orgs.exclude(country="").values_list("country", flat=True))
    caps = Capacity.objects.filter(active=True, organisation__in=orgs)
    needs = Counter(caps.filter(direction=Direction.NEED).values_list("organisation__country", flat=True))
    offers = Counter(caps.filter(direction=Direction.OFFER).values_list("organisation__country", flat=True))
    top = max(counts.values(), default=0)
    shapes = []
    for code, path in areas.outlines().items():
        n = counts.get(code, 0)
        level = 0 if not n else 1 + min(3, int(4 * n / (top + 1)))
        shapes.append({"code": code, "path": path, "count": n, "level": level, "name": areas.country_name(code)})
    listed = sorted(({"code": c, "name": areas.country_name(c), "count": n, "needs": needs.get(c, 0), "offers": offers.get(c, 0),
                      "region": str(areas.REGIONS.get(areas.region_of(c), ""))} for c, n in counts.items()), key=lambda r: (-r["count"], r["name"]))
    query = urlencode({k: v for k, v in chosen.items() if v and k != "country"})
    context = {"shapes": shapes, "view_box": areas.view_box(), "listed": listed, "chosen": chosen, "kinds": KINDS,
               "regions": areas.REGIONS.items(), "themes": _themes(), "query": query}
    return respond(request, "directory/map.html", context, {"countries": listed}, format)


# --- Profiles ----------------------------------------------------------------------------


def _mentions(fact_id, user) -> list:
    """Documents visible to `user` that mention a fact, with how many passages, most first."""
    from territoria.extraction.models import Source
    from territoria.library.models import Document

    if not fact_id:
        return []
    counts = Counter(Source.objects.filter(fact=fact_id).values_list("document", flat=True))
    documents = Document.objects.visible_to(user).filter(pk__in=counts)
    return sorted(((d, counts[d.pk]) for d in documents), key=lambda item: -item[1])


def organisation(request, pk, format=None):
    from territoria.workplan.services import visible_plans

    org = get_object_or_404(Organisation, pk=pk)
    mentions = _mentions(org.fact_id, request.user)
    partnerships = org.partnerships.filter(plan__in=visible_plans(request.user)).select_related("action", "plan").order_by("plan", "action")[:100]
    memberships = org.memberships.select_related("person", "member_organisation", "post").order_by("person__name")
    capacities = list(org.capacities.filter(active=True))
    matcher = Matcher() if capacities else None
    matches = []
    for need in [c for c in capacities if c.direction == Direction.NEED][:3]:
        found = matcher.rank(need, limit=3)
        holders = Capacity.objects.select_related("organisation", "person").in_bulk([m.capacity_id for m in found])
        matches.append((need, [(holders[m.capacity_id], explain(m.reasons)) for m in found]))
    from territoria.events.models import Event

    events = list(Event.objects.visible_to(request.user).filter(organisers=org).order_by("-start_date")[:20])
    members = is_member(request.user)
    record = exports.organisation_record(org)
    if not members:
        record.update(email="", phone="")
    record.update(mentions=[{"document_id": d.pk, "title": d.title, "passages": n} for d, n in mentions],
                  people=[{"person_id": m.person_id, "name": m.person.name if m.person else str(m.member_organisation), "role": m.role} for m in memberships],
                  capacities=[_capacity_record(c) for c in capacities],
                  events=[{"event_id": e.pk, "name": e.name, "start": e.start_date, "end": e.end_date} for e in events])
    context = {"org": org, "record": record, "mentions": mentions, "partnerships": partnerships, "memberships": memberships,
               "needs": [c for c in capacities if c.direction == Direction.NEED], "offers": [c for c in capacities if c.direction == Direction.OFFER],
               "matches": matches, "may_edit": may_edit(request.user, org), "region": areas.REGIONS.get(areas.region_of(org.country), ""),
               "country": areas.country_name(org.country), "show_contact": members, "events": events}
    return respond(request, "directory/organisation.html", context, record, format)


def person(request, pk, format=None):
    person = get_object_or_404(Person.objects.select_related("fact"), pk=pk)
    memberships = list(person.memberships.select_related("organisation", "post"))
    record = exports.person_record(person, memberships)
    if not is_member(request.user):
        record.update(email="", phone="")
    mentions = _mentions(person.fact_id, request.user)
    record["mentions"] = [{"document_id": d.pk, "title": d.title, "passages": n} for d, n in mentions]
    context = {"person": person, "record": record, "memberships": memberships, "mentions": mentions, "show_contact": is_member(request.user),
               "capacities": person.capacities.filter(active=True)}
    return respond(request, "directory/person.html", context, record, format)


@require_POST
def edit_organisation(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    profile = reverse("directory:organisation", args=[org.pk])
    if refused := _refused(request, lambda: may_edit(request.user, org), next_url=profile):
        return refused
    form = OrganisationForm(request.POST, instance=org)
    if form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
    else:
        messages.error(request, _("The profile was not saved: %(errors)s") % {"errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
    return redirect(profile)


def edit_form(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    if refused := _refused(request, lambda: may_edit(request.user, org)):
        return refused
    return render(request, "directory/edit.html", {"org": org, "form": OrganisationForm(instance=org)})


# --- Needs and offers, matches, contact ----------------------------------------------------


def _capacity_record(capacity: Capacity) -> dict:
    return {"id": capacity.pk, "direction": capacity.direction, "kind": capacity.kind, "title": capacity.title, "text": capacity.text,
            "themes": capacity.themes, "sdgs": capacity.sdgs, "countries": capacity.countries, "languages": capacity.languages,
            "organisation_id": capacity.organisation_id, "person_id": capacity.person_id, "active": capacity.active}


def _match_rows(found, holders) -> list[dict]:
    rows = []
    for match in found:
        other = holders.get(match.capacity_id)
        if other:
            rows.append({"capacity": other, "score": match.score, "reasons": explain(match.reasons)})
    return rows


def capacity(request, pk, format=None):
    item = get_object_or_404(Capacity.objects.select_related("organisation", "person"), pk=pk)
    found = suggestions(item)
    ids = [m.capacity_id for m in found["matches"] + found["peers"]]
    holders = Capacity.objects.select_related("organisation", "person").in_bulk(ids)
    matches, peers = _match_rows(found["matches"], holders), _match_rows(found["peers"], holders)
    payload = {**_capacity_record(item),
               "matches": [{**_capacity_record(m["capacity"]), "score": m["score"], "reasons": m["reasons"]} for m in matches],
               "peers": [{**_capacity_record(m["capacity"]), "score": m["score"], "reasons": m["reasons"]} for m in peers],
               "funding_lines": [{"id": f.pk, "name": f.name, "donor": f.donor.name, "deadline": f.deadline} for f in found["funding"]]}
    owner = item.organisation
    context = {"item": item, "matches": matches, "peers": peers, "funding": found["funding"], "contact_form": ContactForm(),
               "may_edit": (owner and may_edit(request.user, owner)) or can_edit(request.user) or (item.created_by_id == request.user.pk),
               "may_contact": is_member(request.user)}
    return respond(request, "directory/capacity.html", context, payload, format)


def new_capacity(request, pk):
    """A member declares a need or an offer for their organisation (editors for any)."""
    org = get_object_or_404(Organisation, pk=pk)
    if refused := _refused(request, lambda: may_edit(request.user, org)):
        return refused
    form = CapacityForm(request.POST or None, initial={"direction": request.GET.get("direction", Direction.NEED),
                                                        "countries": [org.country] if org.country else [], "languages": org.languages})
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.organisation, item.created_by = org, request.user
        item.save()
        messages.success(request, _("Saved. Here are the best matches we found."))
        return redirect("directory:capacity", pk=item.pk)
    return render(request, "directory/capacity_form.html", {"form": form, "org": org})


def edit_capacity(request, pk):
    item = get_object_or_404(Capacity.objects.select_related("organisation"), pk=pk)
    if refused := _refused(request, lambda: (item.organisation and may_edit(request.user, item.organisation)) or can_edit(request.user)):
        return refused
    form = CapacityForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("directory:capacity", pk=item.pk)
    return render(request, "directory/capacity_form.html", {"form": form, "org": item.organisation, "item": item})


def _recipients(item: Capacity) -> list[str]:
    if item.organisation:
        found = [item.organisation.email] + [u.email for u in item.organisation.members.all()]
    else:
        found = [item.person.email] if item.person else []
    return [e for e in dict.fromkeys(found) if e]


@require_POST
def contact(request, pk):
    """A member writes to the holder of a need or offer: the message goes by email to the
    organisation's contact address and focal points, replies going to the sender."""
    item = get_object_or_404(Capacity.objects.select_related("organisation", "person"), pk=pk)
    about = request.POST.get("about", "")
    back = reverse("directory:capacity", args=[about if about.isdigit() else pk])
    if refused := _refused(request, next_url=back):
        return refused
    form = ContactForm(request.POST)
    recipients = _recipients(item)
    if not form.is_valid():
        messages.error(request, _("Write a message of at most 3,000 characters."))
        return redirect(back)
    if not recipients:
        messages.error(request, _("%(holder)s has no contact address yet; an editor can add one.") % {"holder": item.holder})
        return redirect(back)
    sender = request.user.get_full_name() or request.user.username
    subject = _("Territoria: %(sender)s about “%(title)s”") % {"sender": sender, "title": item.title}
    body = _("%(sender)s wrote to you through Territoria about “%(title)s”:\n\n%(message)s\n\n%(link)s") % {
        "sender": sender, "title": item.title, "message": form.cleaned_data["message"], "link": request.build_absolute_uri(back)}
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, reply_to=[request.user.email] if request.user.email else None).send()
    messages.success(request, _("Your message was sent to %(holder)s.") % {"holder": item.holder})
    return redirect(back)


def find_partner(request, format=None):
    """Describe what you look for; get ranked offers, explained, without declaring anything."""
    form = FindForm(request.GET or None)
    matches = []
    if request.GET and form.is_valid():
        data = form.cleaned_data
        probe = Capacity(direction=Direction.NEED, kind=data["kind"] or "", title=data["text"][:200], text=data["text"],
                         themes=data["themes"], sdgs=[], countries=[data["country"]] if data["country"] else [], languages=data["languages"])
        probe.terms = capacity_terms(probe.title, "")
        probe.pk = 0
        found = Matcher().rank(probe, limit=10)
        holders = Capacity.objects.select_related("organisation", "person").in_bulk([m.capacity_id for m in found])
        matches = _match_rows(found, holders)
    payload = {"matches": [{**_capacity_record(m["capacity"]), "score": m["score"], "reasons": m["reasons"]} for m in matches]}
    return respond(request, "directory/find.html", {"form": form, "matches": matches, "asked": bool(request.GET)}, payload, format)


def joint(request, format=None):
    groups = joint_requests()
    orgs = Organisation.objects.in_bulk({o for g in groups for o in g["organisations"]})
    from territoria.directory.models import FundingLine

    lines = FundingLine.objects.select_related("donor").in_bulk({f for g in groups for f in g["funding_lines"]})
    themes = dict(_themes())
    rows = [{**g, "theme_label": themes.get(g["theme"], g["theme"]), "region_label": areas.REGIONS.get(g["region"], g["region"]),
             "orgs": [orgs[o] for o in g["organisations"]], "lines": [lines[f] for f in g["funding_lines"]]} for g in groups]
    return respond(request, "directory/joint.html", {"groups": rows}, {"groups": groups}, format)


# --- Editors: import, duplicates ---------------------------------------------------------


def _pending_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}.bin"


@editor_required
def import_members(request):
    """Upload → preview (what each row would do, errors by row) → confirm."""
    preview, counts, token, name = None, None, "", ""
    if request.method == "POST" and request.POST.get("token"):
        token, name = request.POST["token"], request.POST.get("name", "members.csv")
        if not token.isalnum() or not _pending_path(token).exists():
            raise Http404("no such pending import")
        path = _pending_path(token)
        results, counts = services.import_members(path.read_bytes(), Path(name).name)
        path.unlink()
        messages.success(request, _("Imported %(file)s: %(create)s created, %(update)s updated, %(unchanged)s unchanged, %(error)s rows left out.")
                         % {"file": name, **counts})
        return redirect("directory:index")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        if upload.size > services.MAX_IMPORT_BYTES:
            messages.error(request, _("%(file)s: the file is larger than 10 MB.") % {"file": name})
        else:
            data = upload.read()
            try:
                preview, counts = services.import_members(data, name, dry_run=True)
            except services.ImportFileError as problem:
                messages.error(request, str(problem))
            else:
                token = uuid.uuid4().hex
                _pending_path(token).parent.mkdir(parents=True, exist_ok=True)
                _pending_path(token).write_bytes(data)
    errors = [r for r in preview or [] if r.action == "error"]
    return render(request, "directory/import.html", {"form": form, "preview": preview, "errors": errors, "counts": counts, "token": token, "name": name})


@editor_required
def duplicates(request):
    if request.method == "POST":
        try:
            keep = get_object_or_404(Organisation, pk=int(request.POST.get("keep", "")))
            drop = get_object_or_404(Organisation, pk=int(request.POST.get("drop", "")))
        except ValueError:
            raise Http404("keep and drop must be organisation ids") from None
        name = drop.name
        services.merge(drop, keep, request.user)
        messages.success(request, _("%(dropped)s was merged into %(kept)s; its names, sources and links were kept.") % {"dropped": name, "kept": keep.name})
        return redirect("directory:duplicates")
    pairs = services.duplicate_candidates()
    return render(request, "directory/duplicates.html", {"pairs": pairs})

