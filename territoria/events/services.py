"""Calendar workflows that span several models: events from extraction facts (with their
readings per source and conflicts), settling and merging, registration with a waiting list,
and the filters shared by the pages, the API and the iCalendar feeds."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from territoria.core.sql import insert_objects, insert_rows, select as _select, select_in, table as _table
from territoria.core.text import strip_accents
from territoria.directory.models import Organisation
from territoria.directory.services import organisation_fact_ids
from territoria.events.models import AgendaItem, Event, Kind, Precision, Registration, Series, Visibility, zone_or_utc
from territoria.directory.areas import REGIONS
from territoria.extraction.dates import find_dates
from territoria.extraction.models import Fact, Kind as FactKind, Source, Topic
from territoria.library.models import Document, Passage, Visibility as DocVisibility

KIND_WORDS = [  # first match wins; accent-free, lower case
    (Kind.DEADLINE, r"deadline|date limite|fecha limite"),
    (Kind.WEBINAR, r"webinai?re?s?|webinarios?"),
    (Kind.UN_PROCESS, r"\bhlpf\b|\bfphn\b|\bcop ?\d+|world urban forum|forum urbain mondial|foro urbano mundial|\bwuf\b|\bonu\b|nations unies|united nations|naciones unidas"),
    (Kind.DONOR, r"donor|bailleurs?|donantes?|sida\b"),
    (Kind.STATUTORY, r"bureau executif|executive bureau|buro ejecutivo|world council|conseil mondial|consejo mundial|assemblee generale|general assembly|asamblea general|steering committee|comite de pilotage|comite directivo|conseil national"),
    (Kind.ANNUAL, r"annuel|annual|anual"),
    (Kind.CONFERENCE, r"conference|conferencia|congres|congress|congreso|forum|foro|summit|sommet|cumbre|seminai?r|seminario"),
]


# ---------------------------------------------------------------- reading extracted dates
def parse_when(start: str, end: str | None, zone: str | None) -> dict:
    """Local dates, times, time zone and precision of an extracted event's ISO start/end
    ('2023-05-15', '2022-02-24T16:15:00+01:00', '2022-06', '2022')."""
    first, precision, start_time, offset = _parse_point(start, last=False)
    last, _, end_time, _ = _parse_point(end or start, last=True)
    return {"start_date": first, "end_date": max(first, last), "start_time": start_time, "end_time": end_time if start_time else None,
            "timezone": _zone_name(zone, offset) if start_time else (zone or ""), "precision": precision}


def _parse_point(value: str, last: bool):
    if "T" in value:
        moment = datetime.fromisoformat(value)
        return moment.date(), Precision.DAY, moment.time().replace(tzinfo=None), moment.utcoffset()
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts), Precision.DAY, None, None
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        return (_month_end(first) if last else first), Precision.MONTH, None, None
    return date(parts[0], 12, 31) if last else date(parts[0], 1, 1), Precision.YEAR, None, None


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _zone_name(zone: str | None, offset: timedelta | None) -> str:
    """An IANA name: the one given if valid, else the fixed zone of the written offset."""
    if zone and zone_or_utc(zone).key == zone:
        return zone
    if offset is not None and offset.total_seconds() % 3600 == 0:
        hours = int(offset.total_seconds() // 3600)
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # POSIX signs are inverted
    return "UTC"


class SourceRow(NamedTuple):
    """What syncing reads of an event fact's source: its span's text and its document's
    language and visibility (model instances with whole passages cost ten times more)."""

    fact_id: int
    document_id: int
    passage_id: int
    span: str
    language: str
    public: bool


def source_rows(fact_ids: list[int]) -> dict[int, list[SourceRow]]:
    """fact id -> its sources, in the order of Source's Meta (document, passage, start)."""
    if not fact_ids:
        return {}
    q = connection.ops.quote_name
    sql = (f"SELECT s.fact_id, s.document_id, s.passage_id, substr(p.text, s.{q('start')} + 1, s.{q('end')} - s.{q('start')}), "
           f"d.language, d.visibility FROM {_table(Source)} s JOIN {_table(Passage)} p ON p.id = s.passage_id "
           f"JOIN {_table(Document)} d ON d.id = s.document_id WHERE s.fact_id IN ({', '.join(['%s'] * len(fact_ids))}) "
           f"ORDER BY d.updated_at DESC, d.id, p.{q('order')}, s.{q('start')}")
    found = defaultdict(list)
    for fact_id, document_id, passage_id, span, language, visibility in _select(sql, fact_ids):
        found[fact_id].append(SourceRow(fact_id, document_id, passage_id, span, language, visibility == DocVisibility.PUBLIC))
    return found


def readings(fact: Fact, sources: list[SourceRow] | None = None) -> list[dict]:
    """What each source says about the event's dates, read again from its own span."""
    year = int(fact.data["start"][:4]) if fact.data.get("start") else None
    found = []
    for source in sources if sources is not None else source_rows([fact.pk]).get(fact.pk, []):
        mentions = find_dates(source.span, year)
        if mentions:
            found.append({"document_id": source.document_id, "language": source.language,
                          "start": mentions[0].date_start, "end": mentions[0].date_end})
    return found


def conflicts_of(found: list[dict]) -> dict:
    """{field: [{value, documents}]} for the fields on which the sources disagree."""
    result = {}
    for field in ("start", "end"):
        values = defaultdict(list)
        for reading in found:
            if reading["document_id"] not in values[reading[field]]:
                values[reading[field]].append(reading["document_id"])
        if len(values) > 1:
            result[field] = [{"value": value, "documents": docs} for value, docs in sorted(values.items())]
    return result


# ---------------------------------------------------------------- events from facts
@transaction.atomic
def sync(facts=None) -> dict:
    """Create or refresh the calendar events of live event facts (all, or those given), then
    drop the extracted events nobody edited whose fact is gone: all or nothing, in one
    transaction (inside extraction, one savepoint) rather than one per event."""
    counts = {"created": 0, "updated": 0, "removed": 0}
    query = Fact.objects.live().filter(kind=FactKind.EVENT) if facts is None else facts
    facts = list(query.order_by("id"))
    known = _Known.of(facts)
    synced = [(fact, *_refresh(fact, known)) for fact in facts]
    insert_objects([event for _, event, created, _ in synced if created])  # new events, a few statements for all
    for _, event, created, changed in synced:
        if changed and not created:
            event.save()
    order = []  # (event, documents newly linked, documents whose agenda it may own), in fact order
    for fact, event, _, _ in synced:
        documents = {s.document_id for s in known.sources.get(fact.pk, [])}
        order.append((event, documents - known.documents.get(event.pk, set()), set() if event.edited else documents & known.with_agenda))
    insert_rows(Event.documents.through, ("event_id", "document_id"), [(event.pk, document) for event, linked, _ in order for document in sorted(linked)],
                conflicts="ignore")
    _link_organisers([(fact, event) for fact, event, _, _ in synced if not event.edited])
    _sync_agendas(order)
    counts["created"] = sum(created for _, _, created, _ in synced)
    counts["updated"] = len(synced) - counts["created"]
    counts["removed"] = remove_stale()
    return counts


def sync_documents(documents) -> dict:
    return sync(Fact.objects.filter(pk__in=_event_facts_of([d.pk for d in documents])))


def _event_facts_of(document_ids: list[int]) -> list[int]:
    """Ids of the documents' live event facts, in one plain query (the ORM's join with
    DISTINCT cost more to build than to run)."""
    sql = (f"SELECT DISTINCT f.id FROM {_table(Fact)} f JOIN {_table(Source)} s ON s.fact_id = f.id "
           f"WHERE s.document_id IN ({', '.join(['%s'] * len(document_ids))}) AND f.kind = %s AND f.state <> %s AND f.merged_into_id IS NULL")
    return [row[0] for row in _select(sql, [*document_ids, FactKind.EVENT, "rejected"])]


def remove_stale() -> int:
    """Drop the extracted events nobody edited or registered for whose fact is gone, rejected
    or merged. A plain query finds them first: after most ingestions there are none."""
    sql = (f"SELECT e.id FROM {_table(Event)} e LEFT JOIN {_table(Fact)} f ON f.id = e.fact_id WHERE e.edited = %s "
           f"AND NOT EXISTS (SELECT 1 FROM {_table(Registration)} r WHERE r.event_id = e.id) "
           "AND ((e.fact_id IS NULL AND e.origin = %s) OR f.state = %s OR f.merged_into_id IS NOT NULL)")
    stale = [row[0] for row in _select(sql, [False, "extraction", "rejected"])]
    return Event.objects.filter(pk__in=stale).delete()[1].get("events.Event", 0) if stale else 0


@dataclass
class _Known:
    """What syncing a batch of event facts reads, in one query each rather than one per fact."""

    sources: dict[int, list[SourceRow]]  # fact id -> its sources, in Source order
    events: dict[int, Event]  # fact id -> its event
    topics: dict[int, list[tuple[str, str]]]  # passage id -> (scheme, code)
    series: list  # the series that have matching words
    with_agenda: set[int]  # documents with live agenda-item facts
    documents: dict[int, set[int]]  # event id -> the documents it is already linked to

    @classmethod
    def of(cls, facts: list[Fact]) -> "_Known":
        ids = [f.pk for f in facts]
        sources = source_rows(ids)
        passages = {s.passage_id for found in sources.values() for s in found}
        documents = {s.document_id for found in sources.values() for s in found}
        topics = defaultdict(list)
        for passage_id, scheme, code in select_in(Topic, ("passage_id", "scheme", "code"), "passage_id", sorted(passages)):
            topics[passage_id].append((scheme, code))
        events = {e.fact_id: e for e in Event.objects.filter(fact_id__in=ids)} if ids else {}
        linked = defaultdict(set)
        for event_id, document_id in select_in(Event.documents.through, ("event_id", "document_id"), "event_id", [e.pk for e in events.values()]):
            linked[event_id].add(document_id)
        return cls(sources=sources, events=events, topics=topics, series=list(Series.objects.exclude(match="")) if ids else [],
                   with_agenda=_with_agenda(documents), documents=linked)


def _with_agenda(documents: set[int]) -> set[int]:
    """The documents that have live agenda-item facts. Only the document column is in the SQL:
    with the kind or the merge in it too, SQLite scans every such fact rather than these documents'."""
    rows = select_in(Fact, ("document_id", "kind", "state", "merged_into_id"), "document_id", sorted(documents))
    return {document for document, kind, state, merged_into in rows
            if kind == FactKind.AGENDA_ITEM and state != "rejected" and merged_into is None}


def _refresh(fact: Fact, known: _Known) -> tuple[Event, bool, bool]:
    """The fact's event, new (unsaved) or refreshed in memory: (event, created, changed)."""
    sources = known.sources.get(fact.pk, [])
    event = known.events.get(fact.pk)
    created = event is None
    if created:
        event = Event(fact=fact, origin="extraction")
    before = None if created else event.stored_values()
    if not event.edited:
        _fill_from_fact(event, fact, sources, known.series)
    event.conflicts = {k: v for k, v in conflicts_of(readings(fact, sources)).items() if k not in event.settled}
    topics = [topic for passage in {s.passage_id for s in sources} for topic in known.topics.get(passage, ())]
    event.sdgs = sorted({int(code.split(".")[0]) for scheme, code in topics if scheme == Topic.Scheme.SDG})
    event.themes = sorted({code for scheme, code in topics if scheme == Topic.Scheme.THEME})
    event.normalise()  # what save() does: a bulk insert does not call it
    return event, created, created or event.stored_values() != before  # re-extraction mostly finds the event as it was


def _fill_from_fact(event: Event, fact: Fact, sources, series: list) -> None:
    data = fact.data
    for field, value in parse_when(data["start"], data.get("end"), data.get("timezone")).items():
        setattr(event, field, value)
    event.name = (data.get("name") or fact.key)[:300]
    event.year_inferred = bool(data.get("year_inferred"))
    event.city, event.country, event.region = data.get("place") or "", data.get("country_code") or "", ""
    event.organiser_text = (data.get("organiser") or "")[:300]
    event.kind = guess_kind(event.name)
    event.series = series_for(event.name, series)
    public = any(s.public for s in sources)
    event.visibility = Visibility.PUBLIC if public or not sources else Visibility.MEMBERS


def guess_kind(name: str) -> str:
    folded = strip_accents(name.lower())
    return next((kind for kind, words in KIND_WORDS if re.search(words, folded)), Kind.OTHER)


def series_for(name: str, candidates: list | None = None):
    """The first series (of `candidates`, by default every series with matching words) whose words the name has."""
    folded = strip_accents(name.lower())
    for series in Series.objects.exclude(match="") if candidates is None else candidates:
        for alternative in series.match.split("|"):
            words = strip_accents(alternative.lower()).split()
            if words and all(re.search(rf"\b{re.escape(w)}\b", folded) for w in words):
                return series
    return None


def _link_organisers(extracted: list[tuple[Fact, Event]]) -> None:
    """Each event's organiser, as the fact names it, linked to its directory record."""
    wanted = [(fact.data.get("organiser"), event) for fact, event in extracted if fact.data.get("organiser")]
    named = _organisers_named({name for name, _ in wanted})
    insert_rows(Event.organisers.through, ("event_id", "organisation_id"),
                [(event.pk, named[name].pk) for name, event in wanted if named[name]], conflicts="ignore")


def _organisers_named(names: set[str]) -> dict[str, Organisation | None]:
    """Each name's directory record: the first by name that has it as name or acronym (one
    query for all the names), else the record of the organisation fact that names it."""
    found: dict[str, Organisation | None] = {}
    if names:
        for organisation in Organisation.objects.filter(Q(name__in=names) | Q(acronym__in=names)).order_by("name", "pk"):
            for name in (organisation.name, organisation.acronym):
                if name in names:
                    found.setdefault(name, organisation)
    missing = names - set(found)
    fact_ids = organisation_fact_ids(missing) if missing else {}
    for name in sorted(missing):
        found[name] = Organisation.for_fact(Fact.objects.get(pk=fact_ids[name])) if name in fact_ids else None
    return found


def _sync_agendas(order: list[tuple[Event, set[int], set[int]]]) -> None:
    """A document's agenda rows belong to its timed event, else to its only dated event, as
    each synced event, in fact order, finds them: an event linked to the document later in the
    same sync is not yet a candidate (as when events were stored one at a time). Three queries
    read what every document needs: its dated events, its agenda facts, their rows."""
    documents = sorted({document for _, _, owned in order for document in owned})
    if not documents:
        return
    linked: dict[int, list[tuple[int, object]]] = {d: [] for d in documents}  # document -> its dated events (pk, start time), in Event order
    for document_id, pk, start_time in Event.objects.filter(documents__in=documents, precision=Precision.DAY).values_list("documents", "pk", "start_time"):
        linked[document_id].append((pk, start_time))
    agenda_facts: dict[int, list[Fact]] = {d: [] for d in documents}
    for fact in Fact.objects.live().filter(kind=FactKind.AGENDA_ITEM, document_id__in=documents):
        agenda_facts[fact.document_id].append(fact)
    fact_ids = [fact.pk for facts in agenda_facts.values() for fact in facts]
    stored = {item.fact_id: item for item in AgendaItem.objects.filter(fact__in=fact_ids)} if fact_ids else {}
    pending: dict[int, AgendaItem] = {}  # fact id -> a new row, inserted with the others at the end
    for k, (event, _, owned) in enumerate(order):
        for document_id in sorted(owned):
            later = {other.pk for other, new_links, _ in order[k + 1 :] if document_id in new_links}
            candidates = [(pk, start_time) for pk, start_time in linked[document_id] if pk not in later]
            timed = [pk for pk, start_time in candidates if start_time is not None]  # not all day
            owner = timed[0] if timed else (candidates[0][0] if len(candidates) == 1 else None)
            if owner != event.pk:
                continue
            for position, fact in enumerate(sorted(agenda_facts[document_id], key=lambda f: int(f.key.split(":")[-1]))):
                item = _write_item(stored.get(fact.pk) or pending.get(fact.pk), fact, event.pk, position)
                if item:
                    pending[fact.pk] = item
    insert_objects(list(pending.values()))


def _write_item(item: AgendaItem | None, fact: Fact, event_id: int, order: int) -> AgendaItem | None:
    """An agenda row from its fact, saved only when changed (re-extraction mostly finds every
    row as it was); a new row is returned for the caller to insert with the others."""
    data = fact.data
    fields = {"event_id": event_id, "order": order, "title": data.get("text", ""), "speakers": data.get("speakers", []),
              "start_time": time.fromisoformat(data["start"]) if data.get("start") else None,
              "end_time": time.fromisoformat(data["end"]) if data.get("end") else None}
    if item is None:
        return AgendaItem(fact=fact, **fields)
    if any(getattr(item, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(item, name, value)
        if item.pk is None:
            return item  # a new row not inserted yet
        item.save(update_fields=[name.removesuffix("_id") for name in fields])
    return None


# ---------------------------------------------------------------- editors' decisions
def settle(event: Event, field: str, value: str) -> Event:
    """An editor chooses one reading of a disputed field; extraction will not reopen it."""
    if field not in event.conflicts or value not in [c["value"] for c in event.conflicts[field]]:
        raise ValueError(_("There is no such reading to choose."))
    point = parse_when(value, value, event.timezone)
    if field == "start":
        event.start_date = point["start_date"]
    else:
        event.end_date = point["end_date"]
    event.conflicts = {k: v for k, v in event.conflicts.items() if k != field}
    event.settled = sorted({*event.settled, field})
    event.edited = True
    event.save()
    return event


@transaction.atomic
def merge(duplicate: Event, into: Event, user) -> Event:
    """Two calendar events that are one: the duplicate's facts, sources, agenda, documents
    and registrations move to `into`; the duplicate is deleted."""
    from territoria.extraction import review

    if duplicate.pk == into.pk:
        raise ValueError(_("An event cannot be merged into itself."))
    if duplicate.fact_id and into.fact_id:
        review.merge(duplicate.fact, into.fact, user)
    elif duplicate.fact_id:
        into.fact, duplicate.fact = duplicate.fact, None
        duplicate.save(update_fields=["fact"])
    duplicate.agenda.update(event=into)
    into.documents.add(*duplicate.documents.all())
    into.organisers.add(*duplicate.organisers.all())
    taken = set(into.registrations.values_list("user_id", flat=True))
    duplicate.registrations.exclude(user_id__in=taken).update(event=into)
    into.edited = True
    into.save()
    duplicate.delete()
    return into


# ---------------------------------------------------------------- registration
@transaction.atomic
def register(event: Event, user) -> Registration:
    """A confirmed place while there is room, else the waiting list; an email either way."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    found = Registration.objects.filter(event=event, user=user).first()
    if found and found.status != Registration.Status.CANCELLED:
        return found
    full = event.capacity is not None and event.confirmed_count >= event.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    if found:
        found.status, found.attended = status, None
        found.save()
        registration = found
    else:
        registration = Registration.objects.create(event=event, user=user, status=status)
    _notify(registration)
    return registration


@transaction.atomic
def cancel(event: Event, user) -> Registration | None:
    """Cancel a registration; a freed place goes to the first person waiting."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    registration = Registration.objects.filter(event=event, user=user).exclude(status=Registration.Status.CANCELLED).first()
    if registration is None:
        return None
    freed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.save()
    _notify(registration)
    if freed and (event.capacity is None or event.confirmed_count < event.capacity):
        waiting = event.registrations.filter(status=Registration.Status.WAITING).order_by("created_at", "id").first()
        if waiting:
            waiting.status = Registration.Status.CONFIRMED
            waiting.save()
            _notify(waiting, promoted=True)
    return registration


def _notify(registration: Registration, promoted: bool = False) -> None:
    user, event = registration.user, registration.event
    if not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subjects = {
            Registration.Status.CONFIRMED: _("Your place is confirmed: %(event)s"),
            Registration.Status.WAITING: _("You are on the waiting list: %(event)s"),
            Registration.Status.CANCELLED: _("Registration cancelled: %(event)s"),
        }
        subject = subjects[registration.status] % {"event": event.title}
        lines = [subject, "", _("When: %(when)s") % {"when": describe_when(event)}]
        if promoted:
            lines.insert(1, _("A place became free and it is yours."))
        lines.append(_("Details: %(url)s") % {"url": reverse("events:event", args=[event.pk])})
    send_mail(subject[:200], "\n".join(lines), None, [user.email])


def describe_when(event: Event) -> str:
    if event.all_day:
        return event.start_date.isoformat() + ("" if event.end_date == event.start_date else f" – {event.end_date.isoformat()}")
    return f"{event.start_date.isoformat()} {event.start_time:%H:%M}–{(event.end_time or event.start_time):%H:%M} ({event.timezone or 'UTC'})"


# ---------------------------------------------------------------- filters
FILTERS = ("kind", "theme", "sdg", "region", "organiser", "series")


def chosen_filters(params) -> dict:
    """The valid filter values of a query string; anything else is ignored."""
    return {
        "kind": [v for v in params.getlist("kind") if v in Kind.values],
        "theme": [v for v in params.getlist("theme") if re.fullmatch(r"[a-z_]{1,40}", v)],
        "sdg": [int(v) for v in params.getlist("sdg") if v.isdigit() and 1 <= int(v) <= 17],
        "region": [v for v in params.getlist("region") if v in REGIONS],
        "organiser": [int(v) for v in params.getlist("organiser") if v.isdigit()],
        "series": [int(v) for v in params.getlist("series") if v.isdigit()],
    }


def filter_events(events, chosen: dict):
    if chosen["kind"]:
        events = events.filter(kind__in=chosen["kind"])
    if chosen["region"]:
        events = events.filter(region__in=chosen["region"])
    if chosen["organiser"]:
        events = events.filter(organisers__in=chosen["organiser"]).distinct()
    if chosen["series"]:
        events = events.filter(series__in=chosen["series"])
    for scheme, values in (("theme", chosen["theme"]), ("sdg", chosen["sdg"])):
        if values:
            any_of = Q()
            for value in values:
                any_of |= Q(tags__contains=f" {scheme}:{value} ")
            events = events.filter(any_of)
    return events


# ---------------------------------------------------------------- times for a viewer
def times(event: Event, viewer: ZoneInfo) -> dict:
    """The event's times as written (in its zone) and, when it differs, in the viewer's zone."""
    if event.all_day:
        return {"original": None, "viewer": None}
    local_start, local_end = event.starts_at.astimezone(event.zone), event.ends_at.astimezone(event.zone)
    original = f"{local_start:%H:%M}–{local_end:%H:%M} {local_start.tzname()} ({event.zone.key})"
    mine_start, mine_end = event.starts_at.astimezone(viewer), event.ends_at.astimezone(viewer)
    same = mine_start.utcoffset() == local_start.utcoffset()
    day = "" if mine_start.date() == local_start.date() else f"{mine_start:%Y-%m-%d} "
    return {"original": original, "viewer": None if same else f"{day}{mine_start:%H:%M}–{mine_end:%H:%M} {mine_start.tzname()} ({viewer.key})"}
