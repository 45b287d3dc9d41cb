"""What a person clicks, in Debian's Chromium driven by Playwright, with axe-core checks.

Skipped when /usr/bin/chromium is absent, unless TERRITORIA_REQUIRE_BROWSER=1 (CI sets it).
"""

import os
import re
from pathlib import Path

import pytest

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("TERRITORIA_REQUIRE_BROWSER"):
        raise RuntimeError("TERRITORIA_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page):
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("pw-" + username)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_an_editor_uploads_then_searches_across_languages_then_reads_the_document(page, live_server, editor, tmp_path):
    plan = tmp_path / "plan-de-travail.pdf"
    plan.write_bytes(factories.pdf([
        ["Plan de travail 2024", "1. Finances locales", "La coalition de Malaga pour les finances municipales se réunira."],
        ["2. Égalité des genres", "Le centre de connaissances sur le genre publiera dix études de cas."],
    ]))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    sign_in(page, live_server, "editor")
    page.get_by_role("link", name="Upload").click()
    assert_accessible(page)
    page.get_by_label("Files").set_input_files([str(plan), str(broken)])
    page.get_by_role("button", name="Upload").click()
    results = page.locator("[data-upload-results] li")
    page.wait_for_function("document.querySelectorAll('[data-upload-results] li progress[value=\"100\"]').length == 2")
    assert "Stored" in results.nth(0).inner_text()
    assert "broken.pdf: corrupt or unreadable PDF" in results.nth(1).inner_text()

    page.get_by_role("link", name="Search").click()
    page.get_by_label("Words, in English, French or Spanish").fill("gender knowledge hub")
    page.get_by_role("button", name="Search").click()
    first = page.locator(".hit").first
    first.wait_for()
    assert "connaissances" in first.locator("mark").all_inner_texts()
    assert_accessible(page)
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/documents/\d+/#p\d+$"))
    assert page.get_by_role("navigation", name="Structure").get_by_role("link").count() >= 2
    assert page.get_by_text("Page 2", exact=True).is_visible()
    assert_accessible(page)


def test_pages_work_by_keyboard_at_phone_width_and_in_three_languages(page, live_server, db):
    from territoria.library.services import ingest_bytes

    ingest_bytes("note.md", "# Réunion annuelle\n\nLa réunion annuelle du CIB aura lieu à Marrakech.\n".encode(), key="note.md")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("html[lang=fr]")
    assert page.get_by_role("heading", level=1).inner_text() == "Bibliothèque"
    page.locator("#language-switch").select_option("es")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_selector("html[lang=es]")
    page.get_by_role("link", name="Réunion annuelle").click()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_visitor_cannot_reach_the_upload_page(page, live_server, db):
    page.goto(live_server.url + "/upload/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("link", name="Upload").count() == 0


def test_an_editor_corrects_an_organisation_and_rejects_an_event_and_reextraction_keeps_both(page, live_server, editor):
    from django.core.management import call_command

    from territoria.extraction.models import Fact
    from territoria.library.services import ingest_bytes

    text = ("# Nouvelles du réseau\n\nLa Ville de Saint-Louis accueillera la rencontre annuelle du CIB à Marrakech du 15 au 18 mai 2023.\n\n"
            "Le rapport a été publié le 3 avril 2023 lors d'une session en ligne.\n")
    document_id = ingest_bytes("news.md", text.encode(), key="news.md").id
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/documents/{document_id}/")
    page.get_by_role("link", name="Review extracted facts").click()
    assert_accessible(page)

    organisation = page.locator(".fact", has_text="Ville de Saint-Louis")
    organisation.get_by_text("Correct", exact=True).click()
    organisation.get_by_label("name").fill("Ville de Saint-Louis du Sénégal")
    organisation.get_by_role("button", name="Save correction").click()
    page.wait_for_selector(".messages")
    wrong_event = page.locator(".fact", has_text="2023-04-03").or_(page.locator(".fact", has_text="session en ligne")).first
    wrong_event.get_by_role("button", name="Reject").click()
    page.wait_for_selector(".messages")

    call_command("extract", "--all", stdout=__import__("io").StringIO())
    page.reload()
    corrected = page.locator(".fact.state-corrected")
    assert "Ville de Saint-Louis du Sénégal" in corrected.inner_text()
    assert page.locator(".fact.state-rejected").count() == 1
    assert Fact.objects.get(state="corrected").data["name"] == "Ville de Saint-Louis du Sénégal"
    source_link = corrected.get_by_role("link").first
    source_link.click()
    assert page.locator(".review-text mark").inner_text() == "Ville de Saint-Louis"


def test_an_editor_makes_a_plan_a_partner_posts_progress_and_the_dashboard_shows_it(page, live_server, editor, django_user_model):
    from tests.conftest import make_user
    from tests.test_extraction import PLAN
    from territoria.library.services import ingest_bytes
    from territoria.workplan.models import Action, Plan

    document_id = ingest_bytes("plan.md", PLAN.encode(), key="plan.md").id
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/documents/{document_id}/")
    page.get_by_role("button", name="Create the work plan from this document").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    assert_accessible(page)
    page.get_by_label("Partnership").first.select_option("Sida")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("table.actions tbody tr").count() == 2
    page.get_by_role("link", name="Train mayors on gender-responsive budgeting.").click()
    assert_accessible(page)

    plan = Plan.objects.get()
    plan.visibility = "members"
    plan.save()
    action = Action.objects.get(text__startswith="Train mayors")
    focal = make_user(django_user_model, "focal", "member")
    action.partners.get(role="1").organisation.members.add(focal)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "focal")
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    assert page.get_by_role("heading", name="Edit the action").count() == 0  # a partner posts, editors edit
    page.get_by_label("Text").fill("Twelve mayors trained in Kigali.")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_role("button", name="Post").click()
    page.wait_for_selector(".messages")
    assert "Twelve mayors trained in Kigali." in page.locator(".timeline").inner_text()
    page.goto(f"{live_server.url}/plans/{plan.pk}/dashboard/")
    assert_accessible(page)
    assert "Twelve mayors trained" in page.get_by_role("region", name="What changed").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_declares_a_need_sees_explained_matches_and_writes_to_one_and_a_visitor_sees_no_contact(page, live_server, django_user_model):
    from django.core import mail

    from tests.conftest import make_user
    from territoria.directory.models import Capacity, Organisation

    ours = Organisation.objects.create(name="Commune de Ziguinchor", country="SN", languages=["fr"])
    theirs = Organisation.objects.create(name="Ville de Chefchaouen", country="MA", languages=["fr", "ar"], email="cooperation@chefchaouen.example",
                                         phone="+212 5 00 00 00")
    Capacity.objects.create(direction="offer", kind="expertise", title="Budget participatif",
                            text="Notre expérience du budget participatif et de la participation citoyenne", themes=["local_democracy"],
                            languages=["fr"], countries=["MA"], organisation=theirs)
    focal = make_user(django_user_model, "focal", "member")
    focal.email = "focal@ziguinchor.example"
    focal.save()
    ours.members.add(focal)

    page.goto(f"{live_server.url}/organisations/{theirs.pk}/")
    assert "cooperation@chefchaouen.example" not in page.content() and "+212" not in page.content()
    assert page.get_by_text("Contact details are for signed-in members.").is_visible()
    assert_accessible(page)

    sign_in(page, live_server, "focal")
    page.goto(f"{live_server.url}/organisations/{ours.pk}/")
    page.get_by_role("link", name="Declare a need").click()
    page.get_by_label("Title").fill("Lancer un budget participatif")
    page.get_by_label("Description").fill("Nous voulons associer les habitants au budget participatif de la commune.")
    page.get_by_label("Expertise").check() if page.get_by_label("Expertise").count() else page.get_by_label("Kind").select_option("expertise")
    page.get_by_label("Local democracy").check()
    page.get_by_role("button", name="Save and see matches").click()
    page.wait_for_url(re.compile(r"/capacities/\d+/$"))
    assert_accessible(page)
    match = page.locator("ol.matches li").first
    assert "Budget participatif" in match.inner_text()
    why = match.locator(".why").inner_text()
    assert "same theme: Local democracy" in why and "both work in French" in why and "same kind of help: Expertise" in why
    match.locator("summary").click()
    match.get_by_label("Message").fill("Bonjour, pouvons-nous organiser un échange entre pairs ?")
    match.get_by_role("button", name="Send").click()
    page.wait_for_selector(".messages")
    assert "Your message was sent to Ville de Chefchaouen." in page.locator(".messages").inner_text()
    assert [m.to for m in mail.outbox] == [["cooperation@chefchaouen.example"]]
    assert "pouvons-nous organiser un échange" in mail.outbox[0].body and mail.outbox[0].reply_to == ["focal@ziguinchor.example"]
    page.goto(f"{live_server.url}/organisations/{theirs.pk}/")
    assert "cooperation@chefchaouen.example" in page.content()
    page.goto(f"{live_server.url}/directory/map/")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/directory/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
