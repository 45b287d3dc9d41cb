"""Work-plan tracker: plans from documents, progress, permissions, reports, IATI in and out."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from lxml import etree

from tests.conftest import SHARED, make_user
from tests.test_extraction import PLAN
from territoria.directory.models import Organisation
from territoria.library.models import Document
from territoria.library.services import ingest_bytes, ingest_path
from territoria.workplan import iati, reports
from territoria.workplan.models import Action, Partner, Plan, Role, Status, Update, Visibility
from territoria.workplan.services import filter_actions, import_document, weighted_progress

XSD = SHARED / "data" / "iati" / "schema-2.03" / "iati-activities-schema.xsd"
FCM = SHARED / "data" / "iati" / "samples" / "CA-3-D002451001_fcm_pmi_led_activity.xml"


def shared(path):
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture
def plan(db):
    document = Document.objects.get(pk=ingest_bytes("plan.md", PLAN.encode(), key="plan.md").id)
    return import_document(document)[0]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_plan_is_made_from_a_documents_actions_in_one_step(plan):
    actions = list(plan.actions.order_by("order"))
    assert [a.kind for a in actions] == ["core", "core", "reinforced_partnership", "other", "core", "reinforced_partnership"]
    assert [s.number for s in plan.sections.order_by("order")] == ["1", "2"]
    sida = filter_actions(plan, {"partnership": "Sida"})[0]
    assert [a.text for a in sida] == ["Former dix associations de gouvernements locaux.", "Train mayors on gender-responsive budgeting."]
    funder = Partner.objects.filter(plan=plan, role=Role.FUNDING).values_list("organisation__acronym", flat=True).distinct()
    assert list(funder) == ["Sida"]
    assert filter_actions(plan, {"funder": str(sida[0].partners.get(role=Role.FUNDING).organisation_id)})[0] == sida
    assert 5 in actions[3].sdg_goals  # "le pôle de connaissances sur le genre (ODD 5)"


def test_importing_again_keeps_edits_and_adds_nothing_twice(plan):
    action = plan.actions.first()
    action.status, action.progress = Status.IN_PROGRESS, 40
    action.save()
    again, added = import_document(plan.document)
    assert (again.pk, added, again.actions.count()) == (plan.pk, 0, 6)
    assert Action.objects.get(pk=action.pk).progress == 40


def test_progress_rolls_up_weighted_and_ignores_dropped_actions(plan):
    a, b, c = list(plan.actions.order_by("order"))[:3]
    for action, progress, weight, status in ((a, 100, 3, Status.DONE), (b, 0, 1, Status.PLANNED), (c, 90, 5, Status.DROPPED)):
        action.progress, action.weight, action.status = progress, weight, status
    assert weighted_progress([a, b, c]) == 75


def test_seed_004_becomes_a_plan_of_36_sections_and_307_actions_whose_iati_file_validates(seeds, db, tmp_path):
    document = Document.objects.get(pk=ingest_path(next(seeds.glob("004_*"))).id)
    summary = json.loads(run("workplan", "import", str(document.pk), "--json"))
    assert (summary["sections"], summary["actions"]) == (36, 307)
    plan = Plan.objects.get(pk=summary["plan_id"])
    kinds = {k: plan.actions.filter(kind=k).count() for k in ("core", "reinforced", "reinforced_partnership")}
    assert kinds["reinforced_partnership"] == 27 and sum(kinds.values()) == 307
    assert len(filter_actions(plan, {"partnership": "Sida"})[0]) == 27
    assert plan.owner.acronym == "UCLG"
    data = run("export", "actions", "--format", "iati").encode()
    assert iati.validate(data, shared(XSD)) == []
    root = etree.fromstring(data)
    assert len(root) == 308
    child = root[1]
    assert child.get("hierarchy") == "2"
    assert child.find("related-activity").attrib == {"ref": plan.iati_identifier, "type": "1"}
    assert {s.get("code") for s in root.iter("sector")} <= {"15112", "15185"}
    assert root.find(".//tag[@vocabulary='2']") is not None  # SDG goals
    records = json.loads(run("export", "actions", "--format", "json"))
    sida = [r for r in records if r["partnership"] == "Sida"]
    assert len(sida) == 27 and all(r["plan_id"] == plan.pk and r["status"] == "planned" for r in sida)
    assert {p["role"] for r in sida for p in r["partners"]} >= {"funding"}


def test_an_iati_activity_survives_import_then_export(db):
    original = etree.parse(str(shared(FCM))).getroot()[0]
    call_command("import", "iati", str(FCM), stdout=io.StringIO())
    plan = Plan.objects.get(iati_identifier="CA-3-D002451001")
    assert (plan.currency, plan.status, str(plan.start), str(plan.end)) == ("CAD", "in_progress", "2016-01-20", "2021-09-30")
    assert plan.budgets.count() == 6 and plan.partners.count() == 3
    exported = etree.fromstring(iati.export([plan]), etree.XMLParser(remove_blank_text=True))[0]
    as_text = lambda activity, tag: [etree.tostring(e, method="c14n") for e in activity.findall(tag)]
    for tag in ("participating-org", "sector", "budget", "transaction", "result", "location", "policy-marker"):
        assert as_text(exported, tag) == as_text(original, tag), tag
    # Nothing new is invalid: the sample's own schema errors (a <point> without <pos>) are all there is.
    data = etree.tostring(exported.getparent())
    errors = {e.split(":", 1)[1] for e in iati.validate(data, shared(XSD))}
    source = {e.split(":", 1)[1] for e in iati.validate(FCM.read_bytes(), XSD)}
    assert errors == source


def test_an_edited_iati_activity_exports_the_edit_and_still_validates(db):
    call_command("import", "iati", str(shared(FCM)), stdout=io.StringIO())
    plan = Plan.objects.get()
    plan.partners.filter(role=Role.EXTENDING).delete()
    Partner.objects.create(plan=plan, organisation=Organisation.objects.create(name="Ville de Ouagadougou", kind="city", country="BF"), role=Role.IMPLEMENTING)
    plan.status = Status.DONE
    plan.save()
    activity = etree.fromstring(iati.export([plan]))[0]
    orgs = [(o.get("role"), o.get("type"), o.findtext("narrative")) for o in activity.findall("participating-org")]
    assert ("4", "11", "Ville de Ouagadougou") in orgs and not any(role == "3" for role, _, _ in orgs)
    assert activity.find("activity-status").get("code") == "3"
    assert len(activity.findall("budget")) == 6  # untouched groups stay as imported


@pytest.mark.parametrize("data, message", [
    (b"not xml at all", "not well-formed XML"),
    (b"<iati-organisations version='2.03'/>", "not <iati-activities>"),
    (b"<iati-activities version='1.05'><iati-activity/></iati-activities>", "Territoria reads version 2"),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><iati-activities version='2.03'>"
     b"<iati-activity><iati-identifier>&e;</iati-identifier></iati-activity></iati-activities>", "no iati-identifier"),
])
def test_bad_iati_files_get_a_message_naming_them_and_change_nothing(db, data, message):
    with pytest.raises(iati.IatiError, match=message) as raised:
        iati.import_activities(data, "bad.xml")
    assert "bad.xml" in str(raised.value) and not Plan.objects.exists()


def test_the_import_command_goes_on_past_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<nope")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "iati", str(bad), str(shared(FCM)), "--json", stdout=out, stderr=err)
    assert exit_.value.code == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "not well-formed" in lines[0]["error"] and lines[1]["plans"][0]["iati_identifier"] == "CA-3-D002451001"


def test_plan_json_round_trips_through_our_own_iati_import(plan):
    action = plan.actions.first()
    action.budget, action.status = Decimal("12500.50"), Status.IN_PROGRESS
    action.save()
    data = iati.export([plan])
    Plan.objects.all().delete()
    [imported] = iati.import_activities(data, "plan.xml")
    assert imported.actions.count() == 6
    again = imported.actions.get(text=action.text)
    assert (again.status, again.budget_lines.get().value) == (Status.IN_PROGRESS, Decimal("12500.50"))


# ---------------------------------------------------------------- web and permissions
@pytest.fixture
def published(plan):
    plan.visibility = Visibility.PUBLIC
    plan.save()
    return plan


def test_visitors_see_published_plans_only(plan, client):
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    plan.visibility = Visibility.PUBLIC
    plan.save()
    page = client.get(f"/plans/{plan.pk}/?partnership=Sida").content.decode()
    assert "Train mayors on gender-responsive budgeting." in page and "Publier le rapport" not in page


def test_a_partner_member_posts_updates_others_may_not(published, django_user_model):
    action = published.actions.filter(partnership="Sida").first()
    sida = action.partners.get(role=Role.FUNDING).organisation
    partner_user = make_user(django_user_model, "focal", "member")
    sida.members.add(partner_user)
    outsider = make_user(django_user_model, "outsider", "member")
    form = {"form": "update", "kind": "update", "date": "2024-03-01", "text": "Workshop held in Dakar <script>x</script>",
            "status": "in_progress", "progress": "30", "document": str(published.document_id)}
    client = Client()
    client.force_login(outsider)
    assert client.post(f"/actions/{action.pk}/", form).status_code == 403
    assert client.post(f"/actions/{action.pk}/", {**form, "form": "edit"}).status_code == 403
    client.force_login(partner_user)
    assert client.post(f"/actions/{action.pk}/", form).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 30)
    assert (Update.objects.get().organisation, Update.objects.get().document_id) == (sida, published.document_id)
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


def test_an_editor_publishes_a_plan_and_members_cannot(plan, editor, member, client):
    form = {"title": "Plan 2024", "visibility": "public", "status": "in_progress", "currency": "EUR"}
    client.force_login(member)
    assert client.post(f"/plans/{plan.pk}/", form).status_code == 404  # a draft is not even visible to members
    client.force_login(editor)
    assert client.post(f"/plans/{plan.pk}/", form).status_code == 302
    client.logout()
    assert "Plan 2024" in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.post(f"/plans/{plan.pk}/", form).status_code == 403


def test_an_editor_builds_a_plan_by_hand(db, editor, client):
    client.force_login(editor)
    response = client.post("/plans/", {"title": "Plan 2027", "visibility": "draft", "status": "planned", "currency": "EUR", "start": "2027-01-01", "end": "2027-12-31"})
    plan = Plan.objects.get()
    assert response.url == f"/plans/{plan.pk}/" and plan.iati_identifier.endswith(f"-WP-{plan.pk}")
    client.post(f"/plans/{plan.pk}/", {"form": "action", "section": "1.2.", "section_title": "Finance", "text": "Open a finance helpdesk.", "kind": "core"})
    action = plan.actions.get()
    assert (action.section.number, action.section.pillar, str(action.end)) == ("1.2", "1", "2027-12-31")
    assert iati.validate(iati.export([plan]), shared(XSD)) == []


def test_editors_edit_and_bad_values_are_refused(published, editor):
    action = published.actions.first()
    client = Client()
    client.force_login(editor)
    response = client.post(f"/actions/{action.pk}/", {"form": "edit", "text": action.text, "kind": "core", "status": "done",
                                                      "progress": "140", "weight": "1"})
    assert response.status_code == 200 and "between 0 and 100" in response.content.decode()
    response = client.post(f"/actions/{action.pk}/", {"form": "edit", "text": action.text, "kind": "core", "status": "done",
                                                      "progress": "100", "weight": "2", "budget": "5000", "currency": "EUR"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress, action.weight, action.budget) == ("done", 100, 2, Decimal("5000"))


def test_posts_need_a_csrf_token(published, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(f"/actions/{published.actions.first().pk}/", {"form": "edit"}).status_code == 403
    assert client.post(f"/documents/{published.document_id}/workplan").status_code == 403


def test_the_document_page_button_creates_the_plan(db, editor, member):
    document = Document.objects.get(pk=ingest_bytes("plan.md", PLAN.encode(), key="plan.md").id)
    client = Client()
    client.force_login(member)
    assert client.post(f"/documents/{document.pk}/workplan").status_code == 403
    client.force_login(editor)
    assert "Create the work plan" in client.get(f"/documents/{document.pk}/").content.decode()
    response = client.post(f"/documents/{document.pk}/workplan")
    plan = Plan.objects.get(document=document)
    assert response.url == f"/plans/{plan.pk}/" and plan.actions.count() == 6


def test_dashboard_groups_progress_and_lists_late_actions(published, client):
    action = published.actions.get(text__startswith="Publier")
    action.status = Status.DELAYED
    action.progress = 50
    action.save()
    published.actions.exclude(pk=action.pk).update(end=None)  # the 2024 plan's other actions would be overdue
    data = client.get(f"/plans/{published.pk}/dashboard/?format=json").json()
    assert [a["id"] for a in data["late"]] == [action.pk]
    funders = {row["label"]: row for row in data["groups"]["funder"]}
    assert funders["Sida"]["actions"] == 2
    assert client.get(f"/plans/{published.pk}/dashboard/?since=yesterday").status_code == 400


@pytest.mark.parametrize("language, title", [("fr", "Rapport d’avancement"), ("es", "Informe de avance"), ("en", "Progress report")])
def test_donor_reports_in_three_formats_and_languages(published, client, language, title):
    action = published.actions.filter(partnership="Sida").first()
    Update.objects.create(action=action, date="2024-02-10", text="Formation de 40 maires à Dakar.")
    Update.objects.create(action=action, date="2023-02-10", text="Outside the period.")
    query = f"/plans/{published.pk}/report?partnership=Sida&start=2024-01-01&end=2024-12-31&language={language}"
    import docx
    import openpyxl
    import pypdfium2

    document = docx.Document(io.BytesIO(client.get(query + "&as=docx").content))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert title in text and "Formation de 40 maires" in text and "Outside the period" not in text
    assert "Publier le rapport" not in text  # not a Sida action
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(query + "&as=xlsx").content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert title in cells[0] and action.text in cells
    pdf = pypdfium2.PdfDocument(client.get(query + "&as=pdf").content)
    assert title in pdf[0].get_textpage().get_text_range()
    assert client.get(query + "&as=odt").status_code == 400


def test_reports_guard_spreadsheet_formulas():
    assert reports._safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
