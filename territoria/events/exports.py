"""Calendar records for `territoria export events` and the API, and the whole calendar as
iCalendar for `territoria export events --format ics`. Records keep the extraction export's
fields (id, name, start, end, year_inferred, timezone, place, country_code, organiser) and
its `sources: [{document_id, passage_id, start, end}]`; `id` is the calendar event's."""

from collections import defaultdict

from territoria.events.models import Event, Precision
from territoria.extraction.models import Source


def _iso(event: Event, which: str) -> str:
    day = event.start_date if which == "start" else event.end_date
    if event.precision == Precision.YEAR:
        return str(day.year)
    if event.precision == Precision.MONTH:
        return f"{day:%Y-%m}"
    if event.all_day:
        return day.isoformat()
    moment = event.starts_at if which == "start" else event.ends_at
    return moment.astimezone(event.zone).isoformat()


def record(event: Event, sources: list) -> dict:
    return {
        "id": event.pk, "name": event.name, "start": _iso(event, "start"), "end": _iso(event, "end"),
        "year_inferred": event.year_inferred, "timezone": event.timezone or None, "place": event.city or None,
        "country_code": event.country or None, "organiser": event.organiser_text or None,
        "names": {lang: getattr(event, f"name_{lang}") or None for lang in ("en", "fr", "es")},
        "kind": event.kind, "all_day": event.all_day, "precision": event.precision,
        "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat(),
        "region": event.region or None, "mode": event.mode, "online_url": event.online_url or None,
        "organisers": [{"id": o.pk, "name": o.name} for o in event.organisers.all()],
        "series": event.series.name if event.series else None, "sdgs": event.sdgs, "themes": event.themes,
        "visibility": event.visibility, "fact_id": event.fact_id, "conflicts": event.conflicts,
        "sources": [s.as_dict() for s in sources],
    }


def sources_by_fact(events) -> dict[int, list]:
    grouped = defaultdict(list)
    facts = [e.fact_id for e in events if e.fact_id]
    for source in Source.objects.filter(fact_id__in=facts).order_by("document_id", "passage__order", "start"):
        grouped[source.fact_id].append(source)
    return grouped


def events(user=None) -> list[dict]:
    """Every event (the command line), or those `user` may see (the API)."""
    found = Event.objects.all() if user is None else Event.objects.visible_to(user)
    found = list(found.select_related("series").prefetch_related("organisers").order_by("starts_at", "id"))
    sources = sources_by_fact(found)
    return [record(e, sources.get(e.fact_id, [])) for e in found]


def ics() -> bytes:
    from territoria.events.ical import calendar_bytes

    return calendar_bytes(Event.objects.order_by("starts_at", "id"), "Territoria", "")
