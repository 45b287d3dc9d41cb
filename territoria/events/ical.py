"""iCalendar (RFC 5545) feeds written with the `icalendar` library: timed events keep their
own time zone (TZID with a VTIMEZONE built from zoneinfo), all-day events are DATE values
with an exclusive end."""

from datetime import timedelta

import icalendar
from django.utils import timezone

from territoria import __version__
from territoria.events.models import Event

PRODID = f"-//Territoria//Calendar {__version__}//EN"


def calendar_bytes(events, name: str, base_url: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    first = None
    for event in events:
        calendar.add_component(vevent(event, stamp, base_url))
        first = min(first, event.start_date) if first else event.start_date
    if first:  # VTIMEZONE transitions from a year before the first event
        calendar.add_missing_timezones(first_date=first.replace(year=max(1970, first.year - 1), month=1, day=1))
    return calendar.to_ical()


def vevent(event: Event, stamp, base_url: str) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@territoria")
    item.add("dtstamp", stamp)
    item.add("last-modified", event.updated_at)
    item.add("summary", event.title)
    if event.all_day:
        item.add("dtstart", event.start_date)
        item.add("dtend", event.end_date + timedelta(days=1))
    else:
        item.add("dtstart", event.starts_at.astimezone(event.zone))
        item.add("dtend", event.ends_at.astimezone(event.zone))
    location = ", ".join(p for p in (event.city, event.country, event.online_url) if p)
    if location:
        item.add("location", location)
    url = f"{base_url}/calendar/events/{event.pk}/" if base_url else ""
    if url:
        item.add("url", url)
    description = "\n".join(p for p in (event.description, event.organiser_text, url) if p)
    if description:
        item.add("description", description)
    item.add("categories", [event.get_kind_display()])
    item.add("status", "TENTATIVE" if event.precision != "day" or event.year_inferred else "CONFIRMED")
    item.add("class", "PUBLIC" if event.visibility == "public" else "PRIVATE")
    return item
