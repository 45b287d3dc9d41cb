"""Calendar: events from the seeds and from articles in several languages, conflicts and
settling, pages and filters, permissions, registration with a waiting list, reminders and
digests, iCalendar read back by two independent parsers, and the export command."""

import io
import json
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from pathlib import Path

import icalendar
import pytest
import vobject
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import make_user
from territoria.events import notify, services
from territoria.events.models import Event, Kind, Preference, Registration, Series, Visibility
from territoria.extraction.models import Fact
from territoria.library.services import expand_paths, ingest_bytes, ingest_path

UTC = dt_timezone.utc
FRENCH = ("# Rencontre annuelle du CIB à Marrakech\n\nLa rencontre annuelle du CIB se tiendra du 15 au 18 mai 2023 "
          "à Marrakech, au Maroc, organisée par CGLU Afrique.\n")
SPANISH = ("# Reunión anual del CIB en Marrakech\n\nLa reunión anual del CIB se celebrará del 15 al 17 de mayo de 2023 "
           "en Marrakech, Marruecos.\n")


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def make_event(**fields) -> Event:
    defaults = {"name": "Webinar on local finance", "start_date": date(2030, 3, 5), "end_date": date(2030, 3, 5),
                "visibility": Visibility.PUBLIC}
    return Event.objects.create(**{**defaults, **fields})


@pytest.fixture
def seeded(seeds, db):
    return {p.name[:3]: ingest_path(p) for p in expand_paths([seeds])}


@pytest.fixture
def three_languages(seeds, db):
    """Seed 000 names the CIB annual meeting; a French and a Spanish article do too."""
    seed = ingest_path(next(seeds.glob("000_*")))
    french = ingest_bytes("cib-fr.md", FRENCH.encode(), key="cib-fr.md")
    spanish = ingest_bytes("cib-es.md", SPANISH.encode(), key="cib-es.md")
    assert (french.language, spanish.language) == ("fr", "es")
    return {"seed": seed.id, "fr": french.id, "es": spanish.id}


# ---------------------------------------------------------------- events from the seeds
def _one(name_part: str) -> Event:
    [event] = [e for e in Event.objects.all() if name_part.lower() in e.name.lower()]
    return event


def test_the_seeds_cib_annual_meeting_in_marrakech_is_one_calendar_event_with_its_sources(seeded):
    event = _one("Rencontre annuelle du CIB")
    assert (event.start_date, event.end_date, event.all_day) == (date(2023, 5, 15), date(2023, 5, 18), True)
    assert (event.city, event.country, event.region, event.kind) == ("Marrakech", "MA", "africa", Kind.ANNUAL)
    assert event.fact.sources.count() >= 1 and set(event.documents.values_list("pk", flat=True)) == {seeded["000"].id}
    assert "Africa" in " ".join(event.organisers.values_list("name", flat=True))


def test_the_political_debate_keeps_its_time_zone_and_its_agenda(seeded):
    event = _one("DEBAT POLITIQUE")
    assert (event.start_date, event.start_time, event.end_time, event.timezone) == (date(2022, 2, 24), time(16, 15), time(17, 0), "Europe/Paris")
    assert event.starts_at == datetime(2022, 2, 24, 15, 15, tzinfo=UTC) and event.ends_at == datetime(2022, 2, 24, 16, 0, tzinfo=UTC)
    agenda = list(event.agenda.all())
    assert [(i.start_time, i.end_time) for i in agenda][:2] == [(time(16, 0), time(16, 5)), (time(16, 5), time(16, 15))]
    assert "Jan van Zanen" in agenda[0].speakers and "Remarques d'ouverture" in agenda[0].title
    assert event.fact.sources.filter(document_id=seeded["002"].id).exists()


def test_the_learning_agenda_meeting_and_the_hague_meeting_have_inferred_years(seeded):
    learning, hague = _one("agenda d'apprentissage"), _one("Réunion annuelle du Groupe de travail")
    assert (learning.start_date.month, learning.start_date.day, learning.end_date.day) == (9, 29, 30)
    assert (hague.start_date.month, hague.start_date.day, hague.end_date.month, hague.end_date.day) == (10, 1, 10, 2)
    assert learning.year_inferred and hague.year_inferred and learning.start_date.year == hague.start_date.year
    assert hague.city == "The Hague" and hague.country == "NL"
    for event in (learning, hague):
        assert list(event.fact.sources.values_list("document_id", flat=True)) == [seeded["003"].id]


def test_export_events_as_json_keeps_the_extraction_fields_and_lists_the_sources(seeded):
    records = json.loads(run("export", "events", "--format", "json"))
    cib = next(r for r in records if r["name"].startswith("Rencontre annuelle du CIB"))
    assert {k: cib[k] for k in ("start", "end", "year_inferred", "place", "country_code")} == \
        {"start": "2023-05-15", "end": "2023-05-18", "year_inferred": False, "place": "Marrakech", "country_code": "MA"}
    assert {"id", "name", "timezone", "organiser"} <= set(cib)
    debate = next(r for r in records if r["name"].startswith("DEBAT POLITIQUE"))
    assert (debate["start"], debate["end"], debate["timezone"]) == ("2022-02-24T16:15:00+01:00", "2022-02-24T17:00:00+01:00", "Europe/Paris")
    for record in records:
        assert record["sources"] and set(record["sources"][0]) == {"document_id", "passage_id", "start", "end"}


def test_export_events_as_ics_is_a_calendar(seeded):
    parsed = icalendar.Calendar.from_ical(run("export", "events", "--format", "ics"))
    assert len(parsed.walk("VEVENT")) == Event.objects.count() >= 5


# ---------------------------------------------------------------- one event, many sources
def test_a_french_and_a_spanish_article_and_a_seed_make_one_event_with_three_sources(three_languages):
    events = Event.objects.filter(start_date=date(2023, 5, 15), city="Marrakech")
    assert events.count() == 1
    event = events.get()
    documents = set(event.fact.sources.values_list("document_id", flat=True))
    assert documents == set(three_languages.values())
    assert set(event.documents.values_list("language", flat=True)) == {"fr", "es"}


def test_conflicting_end_dates_are_kept_until_an_editor_settles_them(three_languages, editor):
    event = Event.objects.get(start_date=date(2023, 5, 15), city="Marrakech")
    readings = {r["value"]: set(r["documents"]) for r in event.conflicts["end"]}
    assert readings == {"2023-05-17": {three_languages["es"]}, "2023-05-18": {three_languages["seed"], three_languages["fr"]}}
    client = Client()
    assert client.post(f"/calendar/events/{event.pk}/settle/", {"field": "end", "value": "2023-05-18"}).status_code == 302
    assert Event.objects.get(pk=event.pk).conflicts == {"end": event.conflicts["end"]}  # a visitor changed nothing
    client.force_login(editor)
    page = client.get(f"/calendar/events/{event.pk}/")
    assert "The sources disagree" in page.content.decode()
    assert client.post(f"/calendar/events/{event.pk}/settle/", {"field": "end", "value": "1999-01-01"}).status_code == 400
    client.post(f"/calendar/events/{event.pk}/settle/", {"field": "end", "value": "2023-05-18"})
    event.refresh_from_db()
    assert (event.end_date, event.conflicts, event.settled) == (date(2023, 5, 18), {}, ["end"])
    services.sync()
    event.refresh_from_db()
    assert (event.end_date, event.conflicts) == (date(2023, 5, 18), {})


def test_syncing_again_writes_an_event_only_when_its_sources_changed(db):
    french = ingest_bytes("cib-fr.md", FRENCH.encode(), key="cib-fr.md")
    event = Event.objects.get(start_date=date(2023, 5, 15), city="Marrakech")
    written = event.updated_at
    services.sync()
    event.refresh_from_db()
    assert event.updated_at == written  # nothing changed: no write
    spanish = ingest_bytes("cib-es.md", SPANISH.encode(), key="cib-es.md")
    event.refresh_from_db()
    assert event.updated_at > written and "end" in event.conflicts
    assert set(event.documents.values_list("pk", flat=True)) == {french.id, spanish.id}


# ---------------------------------------------------------------- pages, filters, time zones
def test_month_week_and_list_views_show_the_events_in_the_readers_language(db):
    make_event(name="Conférence sur le climat", start_date=date(2030, 5, 15), end_date=date(2030, 5, 17), city="Marrakech", country="MA")
    client = Client()
    month = client.get("/calendar/?date=2030-05-01")
    body = month.content.decode()
    assert month.status_code == 200 and body.count("Conférence sur le climat") == 3 and "<caption>Events in May 2030</caption>" in body
    french = client.get("/calendar/?date=2030-05-01", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "mai 2030" in french and "lundi" in french
    spanish = client.get("/calendar/?view=week&date=2030-05-15", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "mayo de 2030" in spanish and "Conférence sur le climat" in spanish
    listing = client.get("/api/calendar/?view=list").json()
    assert [e["name"] for e in listing["events"]] == ["Conférence sur le climat"]
    assert client.get("/api/calendar/?view=list&when=past").json()["events"] == []
    assert client.get("/calendar/?date=2030-13-01").status_code == 400


def test_filters_by_kind_sdg_theme_region_and_organiser(db):
    from territoria.directory.models import Organisation

    uclg = Organisation.objects.create(name="United Cities and Local Governments", acronym="UCLG")
    webinar = make_event(name="Gender webinar", kind=Kind.WEBINAR, sdgs=[5], themes=["gender"], country="FR")
    other = make_event(name="HLPF", kind=Kind.UN_PROCESS, sdgs=[11], country="US")
    other.organisers.add(uclg)
    client = Client()

    def names(query):
        return {e["name"] for e in client.get(f"/api/calendar/?view=list&{query}").json()["events"]}

    assert names("kind=webinar") == {"Gender webinar"}
    assert names("sdg=11") == {"HLPF"} and names("sdg=5&sdg=11") == {"Gender webinar", "HLPF"}
    assert names("theme=gender") == {"Gender webinar"}
    assert names("region=europe") == {"Gender webinar"} and names("region=north_america") == {"HLPF"}
    assert names(f"organiser={uclg.pk}") == {"HLPF"}
    assert names("kind=nonsense&sdg=99") == {"Gender webinar", "HLPF"}  # invalid values are ignored
    assert webinar.pk != other.pk


def test_times_are_shown_in_the_viewers_zone_beside_the_original(db):
    event = make_event(name="Debate", start_date=date(2030, 2, 24), end_date=date(2030, 2, 24), start_time=time(16, 15),
                       end_time=time(17, 0), timezone="Europe/Paris")
    data = Client().get(f"/api/calendar/events/{event.pk}/?tz=America/New_York").json()
    assert data["times"]["original"] == "16:15–17:00 CET (Europe/Paris)"
    assert data["times"]["viewer"] == "10:15–11:00 EST (America/New_York)"
    assert Client().get(f"/api/calendar/events/{event.pk}/?tz=Europe/Paris").json()["times"]["viewer"] is None


def test_extracted_text_is_escaped(db):
    event = make_event(name='<script>alert("x")</script>', city="<b>Nowhere</b>")
    body = Client().get(f"/calendar/events/{event.pk}/").content.decode()
    assert '<script>alert("x")' not in body and "&lt;script&gt;" in body and "<b>Nowhere" not in body


def test_series_and_kind_come_from_the_name(db):
    series = Series.objects.create(name="HLPF", kind=Kind.UN_PROCESS, match="HLPF|high-level political forum")
    assert services.series_for("HLPF 2024 side event") == series and services.series_for("Forum urbain") is None
    assert services.guess_kind("Webinaire sur la finance locale") == Kind.WEBINAR
    assert services.guess_kind("Création d'un nouvel agenda") == Kind.OTHER


# ---------------------------------------------------------------- permissions and visibility
def test_visitors_see_public_events_members_also_members_events_editors_everything(db, member, editor):
    make_event(name="Open")
    make_event(name="Reserved", visibility=Visibility.MEMBERS)
    make_event(name="Draft", visibility=Visibility.DRAFT)

    def names(user):
        client = Client()
        if user:
            client.force_login(user)
        return {e["name"] for e in client.get("/api/calendar/?view=list").json()["events"]}

    assert names(None) == {"Open"} and names(member) == {"Open", "Reserved"} and names(editor) == {"Open", "Reserved", "Draft"}
    reserved = Event.objects.get(name="Reserved")
    assert Client().get(f"/calendar/events/{reserved.pk}/").status_code == 404
    assert Client().get(f"/calendar/events/{reserved.pk}.ics").status_code == 404
    assert b"Reserved" not in Client().get("/calendar/feed.ics").content


def test_only_editors_create_and_edit_events_with_clear_messages_for_bad_input(db, member, editor):
    form = {"name": "CIB annual meeting", "kind": "annual", "start_date": "2030-10-01", "end_date": "2030-10-02", "timezone": "",
            "visibility": "public", "mode": "in_person", "country": "nl", "city": "The Hague"}
    client = Client()
    assert client.post("/calendar/new/", form).status_code == 302 and not Event.objects.exists()  # to the login page
    client.force_login(member)
    assert client.post("/calendar/new/", form).status_code == 403
    client.force_login(editor)
    bad = client.post("/calendar/new/", {**form, "timezone": "Mars/Olympus", "end_date": "2030-09-01"})
    assert bad.status_code == 400 and "Unknown time zone" in bad.content.decode() and "The end comes before the start." in bad.content.decode()
    assert client.post("/calendar/new/", form).status_code == 302
    event = Event.objects.get()
    assert (event.country, event.region, event.edited, event.all_day) == ("NL", "europe", True, True)


def test_editors_merge_two_events_into_one(three_languages, editor):
    target = Event.objects.get(start_date=date(2023, 5, 15), city="Marrakech")
    duplicate = make_event(name="CIB Marrakech (duplicate)", start_date=date(2023, 5, 15))
    client = Client()
    client.force_login(editor)
    assert client.post(f"/calendar/events/{duplicate.pk}/merge/", {"into": "x"}).status_code == 400
    assert client.post(f"/calendar/events/{duplicate.pk}/merge/", {"into": target.pk}).status_code == 302
    assert not Event.objects.filter(pk=duplicate.pk).exists() and Event.objects.filter(pk=target.pk).exists()


# ---------------------------------------------------------------- registration
def test_a_full_event_puts_the_next_member_on_the_waiting_list_until_a_place_frees(db, django_user_model):
    event = make_event(registration_open=True, capacity=1)
    first = make_user(django_user_model, "first", "member")
    second = make_user(django_user_model, "second", "member")
    first.email, second.email = "first@example.org", "second@example.org"
    first.save(), second.save()
    assert services.register(event, first).status == Registration.Status.CONFIRMED
    assert services.register(event, second).status == Registration.Status.WAITING
    assert services.register(event, second).status == Registration.Status.WAITING  # twice is once
    services.cancel(event, first)
    assert Registration.objects.get(user=second).status == Registration.Status.CONFIRMED
    subjects = [(m.to[0], m.subject.split(":")[0]) for m in mail.outbox]
    assert subjects == [("first@example.org", "Your place is confirmed"), ("second@example.org", "You are on the waiting list"),
                        ("first@example.org", "Registration cancelled"), ("second@example.org", "Your place is confirmed")]


def test_registration_needs_a_signed_in_member_and_an_open_event(db, member):
    closed = make_event()
    client = Client()
    assert client.post(f"/calendar/events/{closed.pk}/register/").status_code == 302
    client.force_login(member)
    assert client.post(f"/calendar/events/{closed.pk}/register/").status_code == 400
    assert client.get(f"/calendar/events/{closed.pk}/register/").status_code == 405


def test_editors_record_attendance(db, member, editor):
    event = make_event(registration_open=True)
    registration = services.register(event, member)
    client = Client()
    client.force_login(editor)
    client.post(f"/calendar/events/{event.pk}/attendance/", {"attended": [registration.pk]})
    registration.refresh_from_db()
    assert registration.attended is True


# ---------------------------------------------------------------- reminders and digest
def test_reminders_and_digests_go_once_to_members_who_opted_in(db, django_user_model):
    keen = make_user(django_user_model, "keen", "member")
    quiet = make_user(django_user_model, "quiet", "member")
    for user in (keen, quiet):
        user.email = f"{user.username}@example.org"
        user.save()
    Preference.objects.create(user=keen, reminders=True, digest=True)
    soon = timezone.now() + timedelta(hours=5)
    event = make_event(name="Executive Bureau", start_date=soon.date(), end_date=soon.date(), start_time=soon.time().replace(microsecond=0),
                       end_time=None, timezone="UTC", registration_open=True)
    services.register(event, keen), services.register(event, quiet)
    mail.outbox.clear()
    assert run("calendar", "remind").strip() == "remind: 1 sent"
    assert run("calendar", "remind").strip() == "remind: 0 sent"
    assert json.loads(run("calendar", "digest", "--json")) == {"sent": 1}
    assert json.loads(run("calendar", "digest", "--json")) == {"sent": 0}
    assert [m.to for m in mail.outbox] == [["keen@example.org"], ["keen@example.org"]]
    assert "Executive Bureau" in mail.outbox[1].body


# ---------------------------------------------------------------- iCalendar
def _paris(day: date, hour: int) -> Event:
    return make_event(name=f"Meeting {day}", start_date=day, end_date=day, start_time=time(hour, 0), end_time=time(hour + 1, 0),
                      timezone="Europe/Paris")


def test_the_feed_parses_with_two_libraries_and_keeps_utc_instants_across_daylight_saving(db):
    cases = {  # Europe/Paris: CET (+1) before the last Sunday of March and after the last Sunday of October
        _paris(date(2030, 3, 30), 10).pk: datetime(2030, 3, 30, 9, 0, tzinfo=UTC),
        _paris(date(2030, 3, 31), 10).pk: datetime(2030, 3, 31, 8, 0, tzinfo=UTC),
        _paris(date(2030, 10, 26), 10).pk: datetime(2030, 10, 26, 8, 0, tzinfo=UTC),
        _paris(date(2030, 10, 27), 10).pk: datetime(2030, 10, 27, 9, 0, tzinfo=UTC),
    }
    all_day = make_event(name="Deadline", kind=Kind.DEADLINE, start_date=date(2030, 6, 1), end_date=date(2030, 6, 2))
    response = Client().get("/calendar/feed.ics")
    assert response["Content-Type"].startswith("text/calendar")
    data = response.content

    parsed = icalendar.Calendar.from_ical(data)
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    by_uid = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    for pk, instant in cases.items():
        event = by_uid[f"event-{pk}@territoria"]
        assert event.decoded("DTSTART").astimezone(UTC) == instant
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    deadline = by_uid[f"event-{all_day.pk}@territoria"]
    assert (deadline.decoded("DTSTART"), deadline.decoded("DTEND")) == (date(2030, 6, 1), date(2030, 6, 3))

    second = vobject.readOne(data.decode())  # an independent parser, with its own VTIMEZONE reading
    others = {e.uid.value: e for e in second.vevent_list}
    for pk, instant in cases.items():
        assert others[f"event-{pk}@territoria"].dtstart.value.astimezone(UTC) == instant
    assert others[f"event-{all_day.pk}@territoria"].dtstart.value == date(2030, 6, 1)


def test_the_feed_follows_the_filters_and_each_event_has_its_own_ics(db):
    webinar = make_event(name="Webinar", kind=Kind.WEBINAR)
    make_event(name="Conference", kind=Kind.CONFERENCE)
    feed = icalendar.Calendar.from_ical(Client().get("/calendar/feed.ics?kind=webinar").content)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Webinar"]
    single = icalendar.Calendar.from_ical(Client().get(f"/calendar/events/{webinar.pk}.ics").content)
    [event] = single.walk("VEVENT")
    assert str(event["URL"]) == f"http://testserver/calendar/events/{webinar.pk}/"
