"""Calendar pages: month, week and list views with filters, an event with its agenda and
sources, editors' forms (new, edit, settle, merge, agenda, attendance), registration, and
iCalendar feeds. Each page has a JSON twin (?format=json or /api/calendar/...)."""

import calendar as stdlib_calendar
import json
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from territoria.core.roles import can_edit, editor_required, is_member
from territoria.directory.models import Organisation
from territoria.events import ical, services
from territoria.events.exports import record, sources_by_fact
from territoria.events.models import MAX_DAYS, AgendaItem, Event, Kind, Precision, Preference, Registration, Series, zone_or_utc
from territoria.directory.areas import REGIONS
from territoria.library.models import Document
from territoria.web.views import respond, wants_json

MAX_PER_DAY = 4  # events shown in a month cell; the rest behind a link to the week
LIST_PAGE = 50
MAX_FEED = 5000
VIEWS = ("month", "week", "list")
TZ_COOKIE = "territoria_tz"


# ---------------------------------------------------------------- helpers
def viewer_zone(request) -> ZoneInfo:
    """?tz=, else the member's preference, else the browser's (a cookie), else the server's."""
    candidates = [request.GET.get("tz", "")]
    if request.user.is_authenticated:
        candidates.append(Preference.objects.filter(user=request.user).values_list("timezone", flat=True).first() or "")
    candidates += [request.COOKIES.get(TZ_COOKIE, ""), settings.TIME_ZONE]
    for name in candidates:
        if name and len(name) <= 64 and zone_or_utc(name).key == name:
            return ZoneInfo(name)
    return ZoneInfo("UTC")


@lru_cache(maxsize=1)
def _themes() -> dict:
    return json.loads((Path(__file__).parents[1] / "extraction" / "data" / "themes.json").read_text(encoding="utf-8"))


def theme_label(code: str) -> str:
    labels = _themes().get(code, {}).get("labels", {})
    return labels.get((get_language() or "en")[:2]) or labels.get("en") or code


def _summary(event: Event, zone: ZoneInfo) -> dict:
    return {"id": event.pk, "name": event.name, "title": event.title, "kind": event.kind, "start_date": event.start_date,
            "end_date": event.end_date, "all_day": event.all_day, "precision": event.precision, "timezone": event.timezone or None,
            "starts_at": event.starts_at, "ends_at": event.ends_at, "city": event.city or None, "country": event.country or None,
            "times": services.times(event, zone), "url": f"/calendar/events/{event.pk}/"}


def _query(chosen: dict, **extra) -> str:
    pairs = [(k, v) for k, values in chosen.items() for v in values] + [(k, v) for k, v in extra.items() if v]
    return urlencode(pairs)


def _filter_options(user) -> dict:
    visible = Event.objects.visible_to(user)
    return {
        "kind": Kind.choices,
        "theme": sorted(((c, theme_label(c)) for c in _themes()), key=lambda p: p[1]),
        "sdg": [(g, _("SDG %(goal)s") % {"goal": g}) for g in range(1, 18)],
        "region": list(REGIONS.items()),
        "organiser": list(Organisation.objects.filter(events__in=visible).distinct().values_list("pk", "name")[:200]),
        "series": list(Series.objects.values_list("pk", "name")),
    }


def _anchor(request) -> date | None:
    value = request.GET.get("date", "")
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------- the calendar
def calendar(request, format=None):
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "month"
    anchor = _anchor(request)
    if anchor is None:
        return HttpResponseBadRequest(_("“date” must be a date (YYYY-MM-DD)."))
    chosen = services.chosen_filters(request.GET)
    events = services.filter_events(Event.objects.visible_to(request.user), chosen)
    zone = viewer_zone(request)
    built = {"month": _month, "week": _week, "list": _list}[view](request, events, anchor, zone)
    payload = {"view": view, "date": anchor, "timezone": zone.key, "filters": chosen, **built.pop("payload")}
    if wants_json(request, format):
        return respond(request, "", {}, {**payload, "events": [_summary(e, zone) for e in payload["events"]]}, format)
    context = {**built, "view": view, "anchor": anchor, "zone": zone, "chosen": chosen, "options": _filter_options(request.user),
               "filter_query": _query(chosen), "views": [(v, _view_label(v)) for v in VIEWS],
               "preference_form": _preference_form(request)}
    return respond(request, "events/calendar.html", context, payload, format)


def _view_label(view: str) -> str:
    return {"month": _("Month"), "week": _("Week"), "list": _("List")}[view]


def _light(events):
    return events.only("id", "name", "name_en", "name_fr", "name_es", "kind", "start_date", "end_date", "start_time", "end_time",
                       "timezone", "precision", "starts_at", "ends_at", "city", "country")


def _by_day(events, first: date, last: date) -> dict[date, list]:
    days: dict[date, list] = {}
    for event in events:
        day = max(event.start_date, first)
        while day <= min(event.end_date, last):
            days.setdefault(day, []).append(event)
            day += timedelta(days=1)
    return days


def _month(request, events, anchor, zone) -> dict:
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
    first, last = weeks[0][0], weeks[-1][-1]
    month_first, month_last = anchor.replace(day=1), services._month_end(anchor)
    dated = list(_light(events.overlapping(first, last).filter(precision=Precision.DAY)).order_by("starts_at", "id"))
    loose = list(_light(events.overlapping(month_first, month_last).exclude(precision=Precision.DAY)).order_by("starts_at", "id")[:50])
    days = _by_day(dated, first, last)
    rows = [[(day, day.month == anchor.month, days.get(day, [])[:MAX_PER_DAY], max(0, len(days.get(day, [])) - MAX_PER_DAY))
             for day in week] for week in weeks]
    previous, following = (month_first - timedelta(days=1)).replace(day=1), month_last + timedelta(days=1)
    in_month = [e for e in dated if e.end_date >= month_first and e.start_date <= month_last]
    return {"weeks": rows, "weekdays": weeks[0], "loose": loose, "title_date": month_first, "previous": previous, "next": following,
            "today": timezone.localdate(), "event_base": reverse("events:event", args=[0])[:-2],
            "payload": {"start": month_first, "end": month_last, "events": in_month + loose}}


def _week(request, events, anchor, zone) -> dict:
    first = anchor - timedelta(days=anchor.weekday())
    last = first + timedelta(days=6)
    dated = list(_light(events.overlapping(first, last)).order_by("starts_at", "id")[:500])
    days = _by_day(dated, first, last)
    rows = [(first + timedelta(days=i), [(e, services.times(e, zone)) for e in days.get(first + timedelta(days=i), [])]) for i in range(7)]
    return {"days": rows, "title_date": first, "week_end": last, "previous": first - timedelta(days=7), "next": first + timedelta(days=7),
            "payload": {"start": first, "end": last, "events": dated}}


def _list(request, events, anchor, zone) -> dict:
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    today = timezone.localdate()
    events = events.filter(end_date__lt=today).order_by("-starts_at", "-id") if when == "past" else \
        events.filter(end_date__gte=today).order_by("starts_at", "id")
    page = Paginator(_light(events), LIST_PAGE).get_page(request.GET.get("page"))
    items = [(e, services.times(e, zone)) for e in page]
    return {"page": page, "items": items, "when": when,
            "payload": {"when": when, "count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
                        "events": list(page)}}


# ---------------------------------------------------------------- one event
def _event(request, pk) -> Event:
    return get_object_or_404(Event.objects.visible_to(request.user).select_related("series", "fact"), pk=pk)


def event(request, pk, format=None):
    event = _event(request, pk)
    zone, editor = viewer_zone(request), can_edit(request.user)
    sources = sources_by_fact([event]).get(event.fact_id, [])
    documents = Document.objects.visible_to(request.user).filter(pk__in={s.document_id for s in sources} | set(event.documents.values_list("pk", flat=True)))
    titles = dict(documents.values_list("pk", "title"))
    visible_sources = [s for s in sources if s.document_id in titles]
    agenda = list(event.agenda.all())
    mine = Registration.objects.filter(event=event, user=request.user).first() if request.user.is_authenticated else None
    registrations = list(event.registrations.select_related("user")) if editor else []
    payload = {**record(event, visible_sources), "title": event.title, "description": event.description,
               "times": services.times(event, zone), "viewer_timezone": zone.key,
               "agenda": [{"start": i.start_time, "end": i.end_time, "title": i.title, "speakers": i.speakers} for i in agenda],
               "documents": [{"id": pk, "title": title} for pk, title in titles.items()],
               "actions": list(event.actions.values_list("pk", flat=True)),
               "registration": {"open": event.registration_open, "capacity": event.capacity, "confirmed": event.confirmed_count,
                                "mine": mine.status if mine else None}}
    if not editor:
        payload.pop("conflicts")
    context = {"event": event, "times": payload["times"], "zone": zone, "agenda": agenda, "titles": titles,
               "sources": [(s, titles[s.document_id], s.passage.text[max(0, s.start - 80): s.end + 80]) for s in visible_sources],
               "mine": mine, "registrations": registrations, "confirmed": payload["registration"]["confirmed"],
               "agenda_form": AgendaForm() if editor else None,
               "conflicts": [(field, [(r["value"], [titles.get(d, f"#{d}") for d in r["documents"]]) for r in readings])
                             for field, readings in event.conflicts.items()] if editor else [],
               "themes": [(code, theme_label(code)) for code in event.themes],
               "regions": REGIONS}
    return respond(request, "events/event.html", context, payload, format)


class EventForm(forms.ModelForm):
    online_url = forms.URLField(label=gettext_lazy("online link"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Event
        fields = ["name", "name_en", "name_fr", "name_es", "kind", "series", "description", "start_date", "end_date", "start_time",
                  "end_time", "timezone", "city", "country", "region", "mode", "online_url", "organisers", "organiser_text",
                  "visibility", "registration_open", "capacity", "actions"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}), "end_date": forms.DateInput(attrs={"type": "date"}),
                   "start_time": forms.TimeInput(attrs={"type": "time"}), "end_time": forms.TimeInput(attrs={"type": "time"}),
                   "description": forms.Textarea(attrs={"rows": 3}), "region": forms.Select(choices=[("", "–"), *REGIONS.items()])}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        if value and zone_or_utc(value).key != value:
            raise forms.ValidationError(_("Unknown time zone: use an IANA name such as Europe/Paris."))
        return value

    def clean_country(self):
        value = self.cleaned_data["country"].strip().upper()
        if value and not (len(value) == 2 and value.isalpha()):
            raise forms.ValidationError(_("Use the two-letter ISO code of the country (MA, FR, ES…)."))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end comes before the start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("end_date", _("An event lasts at most %(days)s days.") % {"days": MAX_DAYS})
        if data.get("end_time") and not data.get("start_time"):
            self.add_error("start_time", _("Give a start time, or leave both times empty for an all-day event."))
        if start and not end:
            data["end_date"] = start
        return data


@editor_required
def event_form(request, pk=None):
    event = get_object_or_404(Event, pk=pk) if pk else None
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.edited = True
        saved.save()
        form.save_m2m()
        messages.success(request, _("Event saved."))
        return redirect("events:event", pk=saved.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event}, status=400 if form.errors else 200)


class AgendaForm(forms.Form):
    start_time = forms.TimeField(label=gettext_lazy("Start"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=gettext_lazy("End"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    title = forms.CharField(label=gettext_lazy("Item"), max_length=1000)
    speakers = forms.CharField(label=gettext_lazy("Speakers (separated by commas)"), max_length=500, required=False)


@editor_required
@require_POST
def agenda_add(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = AgendaForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(e) for errors in form.errors.values() for e in errors))
    data = form.cleaned_data
    AgendaItem.objects.create(event=event, start_time=data["start_time"], end_time=data["end_time"], title=data["title"],
                              speakers=[s.strip() for s in data["speakers"].split(",") if s.strip()], order=event.agenda.count())
    messages.success(request, _("Agenda item added."))
    return redirect("events:event", pk=event.pk)


@editor_required
@require_POST
def settle(request, pk):
    event = get_object_or_404(Event, pk=pk)
    try:
        services.settle(event, request.POST.get("field", ""), request.POST.get("value", ""))
    except ValueError as problem:
        return HttpResponseBadRequest(str(problem))
    messages.success(request, _("Settled."))
    return redirect("events:event", pk=event.pk)


@editor_required
@require_POST
def merge(request, pk):
    event = get_object_or_404(Event, pk=pk)
    into = request.POST.get("into", "")
    target = Event.objects.filter(pk=int(into)).first() if into.isdigit() else None
    if target is None:
        return HttpResponseBadRequest(_("Give the number of the event to merge into."))
    try:
        services.merge(event, target, request.user)
    except ValueError as problem:
        return HttpResponseBadRequest(str(problem))
    messages.success(request, _("Events merged."))
    return redirect("events:event", pk=target.pk)


@editor_required
@require_POST
def attendance(request, pk):
    event = get_object_or_404(Event, pk=pk)
    present = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    for registration in event.registrations.filter(status=Registration.Status.CONFIRMED):
        registration.attended = registration.pk in present
        registration.save(update_fields=["attended", "updated_at"])
    messages.success(request, _("Attendance saved."))
    return redirect("events:event", pk=event.pk)


# ---------------------------------------------------------------- members
@login_required
@require_POST
def register(request, pk):
    event = _event(request, pk)
    if not event.registration_open:
        return HttpResponseBadRequest(_("Registration is not open for this event."))
    registration = services.register(event, request.user)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You are registered. A confirmation was sent by email."))
    else:
        messages.success(request, _("The event is full: you are on the waiting list."))
    return redirect("events:event", pk=event.pk)


@login_required
@require_POST
def cancel(request, pk):
    event = _event(request, pk)
    if services.cancel(event, request.user):
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:event", pk=event.pk)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["timezone", "reminders", "digest"]

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        if value and zone_or_utc(value).key != value:
            raise forms.ValidationError(_("Unknown time zone: use an IANA name such as Europe/Paris."))
        return value


def _preference_form(request):
    if not is_member(request.user):
        return None
    return PreferenceForm(instance=Preference.objects.filter(user=request.user).first())


@login_required
@require_POST
def preferences(request):
    form = PreferenceForm(request.POST, instance=Preference.objects.filter(user=request.user).first())
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(e) for errors in form.errors.values() for e in errors))
    preference = form.save(commit=False)
    preference.user = request.user
    preference.save()
    messages.success(request, _("Your calendar settings are saved."))
    return redirect("events:calendar")


# ---------------------------------------------------------------- iCalendar
def _ics_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def feed(request):
    """The calendar, filtered as the query string says, as a feed to subscribe to."""
    chosen = services.chosen_filters(request.GET)
    events = services.filter_events(Event.objects.visible_to(request.user), chosen).select_related("series")
    newest = list(events.order_by("-starts_at", "-id")[:MAX_FEED])[::-1]
    base = request.build_absolute_uri("/").rstrip("/")
    return _ics_response(ical.calendar_bytes(newest, "Territoria", base), "territoria.ics")


def event_ics(request, pk):
    event = _event(request, pk)
    base = request.build_absolute_uri("/").rstrip("/")
    return _ics_response(ical.calendar_bytes([event], event.title, base), f"event-{event.pk}.ics")

