"""The calendar in Chromium: registering with a waiting list, three languages, axe-core checks.
Uses the browser fixtures of test_browser.py (skipped the same way when Chromium is absent)."""

import re
from datetime import date, time

import pytest
from django.core import mail

from tests.conftest import make_user
from tests.test_browser import assert_accessible, browser, page, sign_in  # noqa: F401 (fixtures)
from territoria.events.models import Event, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def member_with_email(django_user_model, username):
    user = make_user(django_user_model, username, "member")
    user.email = f"{username}@example.org"
    user.save()
    return user


def test_a_second_member_waits_for_a_place_and_gets_it_when_the_first_cancels(browser, page, live_server, django_user_model):  # noqa: F811
    first = member_with_email(django_user_model, "amina")
    second = member_with_email(django_user_model, "bruno")
    event = Event.objects.create(name="Peer-learning workshop", start_date=date(2030, 5, 15), end_date=date(2030, 5, 15),
                                 start_time=time(9, 30), end_time=time(12, 0), timezone="Africa/Casablanca",
                                 city="Marrakech", country="MA", registration_open=True, capacity=1)
    url = f"{live_server.url}/calendar/events/{event.pk}/"

    sign_in(page, live_server, "amina")
    page.goto(url)
    assert_accessible(page)
    page.get_by_role("button", name="Register").click()
    assert page.locator("[data-registration-status]").get_attribute("data-registration-status") == "confirmed"
    assert page.get_by_text("1 of 1 places taken.").is_visible()

    other = browser.new_context(locale="en-GB").new_page()
    sign_in(other, live_server, "bruno")
    other.goto(url)
    other.get_by_role("button", name="Register").click()
    assert other.get_by_text("The event is full: you are on the waiting list.").is_visible()
    assert other.locator("[data-registration-status]").get_attribute("data-registration-status") == "waiting"

    page.goto(url)
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration is cancelled.").wait_for()
    other.reload()
    assert other.locator("[data-registration-status]").get_attribute("data-registration-status") == "confirmed"
    other.context.close()

    assert Registration.objects.get(user=second).status == Registration.Status.CONFIRMED
    assert Registration.objects.get(user=first).status == Registration.Status.CANCELLED
    assert [(m.to[0], m.subject.split(":")[0]) for m in mail.outbox] == [
        ("amina@example.org", "Your place is confirmed"), ("bruno@example.org", "You are on the waiting list"),
        ("amina@example.org", "Registration cancelled"), ("bruno@example.org", "Your place is confirmed")]


def test_the_calendar_renders_in_three_languages_by_keyboard_and_at_phone_width(page, live_server, db):  # noqa: F811
    Event.objects.create(name="Rencontre annuelle du CIB", kind="annual", start_date=date(2030, 5, 15), end_date=date(2030, 5, 18),
                         city="Marrakech", country="MA")
    page.goto(f"{live_server.url}/calendar/?date=2030-05-01")
    assert page.get_by_role("table").locator("caption").inner_text() == "Events in May 2030"
    assert page.get_by_role("columnheader", name="Monday").is_visible()
    assert page.get_by_role("link", name="Rencontre annuelle du CIB").count() == 4
    assert_accessible(page)
    page.get_by_label("Kind").select_option("annual")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"kind=annual"))
    assert page.get_by_role("link", name="Rencontre annuelle du CIB").count() == 4

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("html[lang=fr]")
    assert page.get_by_role("heading", level=1).inner_text() == "Calendrier"
    assert page.locator("caption").inner_text() == "Événements en mai 2030"
    assert_accessible(page)
    page.locator("#language-switch").select_option("es")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_selector("html[lang=es]")
    assert page.locator("caption").inner_text() == "Eventos en mayo de 2030"

    page.set_viewport_size({"width": 360, "height": 740})
    for view in ("month", "week", "list"):
        page.goto(f"{live_server.url}/calendar/?view={view}&date=2030-05-15")
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), view
    page.get_by_role("link", name="Rencontre annuelle du CIB").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/calendar/events/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Rencontre annuelle du CIB"
    assert "15 de mayo de 2030" in page.locator(".event-facts").inner_text()
    assert_accessible(page)
