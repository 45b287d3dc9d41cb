"""Directory and matchmaking: records from the seeds, member-list import, duplicates and merge,
explained matches, permissions, Popolo export, the map."""

import csv
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from tests.conftest import make_user
from tests.test_workplan import plan  # noqa: F401  (fixture)
from territoria.directory import services
from territoria.directory.exports import organisations, people, popolo
from territoria.directory.matching import Matcher, explain
from territoria.directory.models import Capacity, Direction, FundingLine, Membership, Organisation, Person
from territoria.directory.synthetic import generate
from territoria.library.services import expand_paths, ingest_path
from territoria.workplan.models import Partner, Role


@pytest.mark.django_db
def test_after_the_seeds_the_directory_holds_one_record_per_organisation_and_the_four_people(seeds):
    for path in expand_paths([seeds]):
        ingest_path(path)
    records = organisations()
    for aliases in (("CGLU", "UCLG"), ("ONU-Habitat", "UN-Habitat"), ("S.I.D.A.", "Sida", "ASDI"), ("OCDE", "OECD")):
        holders = [o for o in records if set(aliases) <= set(o["aliases"] + [o["acronym"], o["name"]])]
        assert len(holders) == 1, aliases
        assert holders[0]["sources"], aliases
        assert len([o for o in records if set(aliases) & set(o["aliases"] + [o["acronym"], o["name"]])]) == 1
    found = {p["name"]: p for p in people()}
    assert {"Jessie Post", "Jan van Zanen", "Sébastien Hamel", "Barbara Samuels"} <= set(found)
    assert found["Jessie Post"]["role"] == "coordinatrice du Secrétariat du Groupe de travail CIB"
    assert found["Jessie Post"]["organisation"] == "UCLG Capacity and Institution Building Working Group"
    assert found["Sébastien Hamel"]["role"] == "expert principal"
    for name in ("Jessie Post", "Jan van Zanen", "Sébastien Hamel", "Barbara Samuels"):
        assert found[name]["sources"] and all(s["passage_id"] for s in found[name]["sources"])
    jessie = Person.objects.get(name="Jessie Post")
    assert jessie.memberships.get().post.label == "coordinatrice du Secrétariat du Groupe de travail CIB"
    # Ingesting the seeds again creates no second record.
    before = (Organisation.objects.count(), Person.objects.count())
    for path in expand_paths([seeds]):
        ingest_path(path)
    assert (Organisation.objects.count(), Person.objects.count()) == before


def member_list(rows: int, bad: set[int]) -> bytes:
    """A member list with `rows` data rows; the rows whose index is in `bad` are wrong in one of
    four ways. Row numbers in the file are index + 2 (the heading is row 1)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["N°", "Nom", "Sigle", "Type", "Pays", "Courriel", "Langues"])
    countries = ["Sénégal", "FR", "Mexique", "Kenya", "España"]
    for i in range(rows):
        row = [f"M{i:05d}", f"Commune numéro {i}", "", "city", countries[i % 5], f"contact{i}@example.org", "fr;en"]
        if i in bad:
            problem = i % 4
            if problem == 0:
                row[1] = ""
            elif problem == 1:
                row[4] = "Atlantide"
            elif problem == 2:
                row[5] = "not-an-email"
            else:
                row[3] = "planet"
        writer.writerow(row)
    return out.getvalue().encode()


@pytest.mark.django_db
def test_a_member_list_of_5000_rows_with_20_bad_rows_stores_4980_and_reports_the_20_and_a_second_import_adds_nothing():
    bad = set(range(7, 5000, 250))
    assert len(bad) == 20
    data = member_list(5000, bad)
    rows, counts = services.import_members(data, "membres.csv")
    assert counts == {"create": 4980, "update": 0, "unchanged": 0, "error": 20}
    assert Organisation.objects.count() == 4980
    errors = {r.row: r.errors for r in rows if r.action == "error"}
    assert set(errors) == {i + 2 for i in bad}
    reasons = {i + 2: {0: "name is empty", 1: "unknown country “Atlantide”", 2: "invalid email “not-an-email”", 3: "unknown kind “planet”"}[i % 4] for i in bad}
    assert {row: e[0] for row, e in errors.items()} == reasons
    org = Organisation.objects.get(external_id="M00001")
    assert (org.name, org.country, org.languages, org.origins) == ("Commune numéro 1", "FR", ["fr", "en"], [{"import": "membres.csv", "row": 3}])
    assert Organisation.objects.get(external_id="M00000").country == "SN"
    _, again = services.import_members(data, "membres.csv")
    assert again == {"create": 0, "update": 0, "unchanged": 4980, "error": 20}
    assert Organisation.objects.count() == 4980


@pytest.mark.django_db
def test_an_xlsx_member_list_imports_and_a_cell_that_is_only_a_new_value_updates_the_record():
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Acronym", "Country", "Website"])
    sheet.append(["Association of Local Governments of Kenya", "ALGAK", "Kenya", "algak.example.org"])
    sheet.append(["Federación Española de Municipios y Provincias", "FEMP", "ES", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    _, counts = services.import_members(buffer.getvalue(), "members.xlsx")
    assert counts["create"] == 2
    femp = Organisation.objects.get(acronym="FEMP")
    sheet.cell(row=3, column=4, value="https://www.femp.es")
    buffer = io.BytesIO()
    book.save(buffer)
    _, counts = services.import_members(buffer.getvalue(), "members.xlsx")
    assert counts == {"create": 0, "update": 1, "unchanged": 1, "error": 0}
    femp.refresh_from_db()
    assert femp.website == "https://www.femp.es" and Organisation.objects.get(acronym="ALGAK").website == "https://algak.example.org"


@pytest.mark.parametrize("name, data, message", [
    ("members.pdf", b"%PDF-1.4", "members.pdf: unsupported file type"),
    ("members.csv", "Nom;Pays\n".encode("utf-16"), "members.csv: not UTF-8 text"),
    ("members.csv", b"Pays;Ville\nSN;Dakar\n", "members.csv: no name column"),
    ("members.xlsx", b"PK\x03\x04 broken", "members.xlsx: not a readable XLSX workbook"),
    ("members.csv", b"", "members.csv: the file is empty"),
])
@pytest.mark.django_db
def test_a_bad_member_list_gets_a_message_naming_the_file_and_stores_nothing(name, data, message):
    with pytest.raises(services.ImportFileError, match=message):
        services.import_members(data, name)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_import_command_reports_bad_rows_by_number_and_exits_1(tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(member_list(10, {3}))
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "members", str(path), "--json")
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["create"] == 9 and out["errors"][0]["row"] == 5 and "unknown kind" in out["errors"][0]["errors"][0]


@pytest.mark.django_db
def test_duplicates_are_found_and_a_merge_keeps_names_sources_memberships_and_capacities():
    first = Organisation.objects.create(name="Association des Maires du Sénégal", country="SN", email="ams@example.org")
    second = Organisation.objects.create(name="Association des maires du Senegal (AMS)", acronym="AMS", origins=[{"import": "a.csv", "row": 4}])
    Organisation.objects.create(name="Association des Maires du Mali", country="ML")
    person = Person.objects.create(name="Awa Ndiaye")
    Membership.objects.create(person=person, organisation=second, role="secrétaire générale")
    need = Capacity.objects.create(direction=Direction.NEED, kind="training", title="Formation des élus", organisation=second)
    from datetime import date

    from territoria.events.models import Event

    event = Event.objects.create(name="Assemblée générale de l'AMS", start_date=date(2026, 3, 2), end_date=date(2026, 3, 2))
    event.organisers.add(second)
    pairs = [(a.pk, b.pk) for a, b, _ in services.duplicate_candidates()]
    assert pairs == [(first.pk, second.pk)]
    merged = services.merge(second, first)
    assert merged.acronym == "AMS" and "Association des maires du Senegal (AMS)" in merged.aliases
    assert merged.origins[0] == {"import": "a.csv", "row": 4} and merged.origins[-1]["merged"] == second.name
    assert person.memberships.get().organisation == first
    need.refresh_from_db()
    assert need.organisation == first
    assert list(event.organisers.all()) == [first]
    assert "Assemblée générale de l&#x27;AMS" in Client().get(f"/organisations/{first.pk}/").content.decode()
    assert not Organisation.objects.filter(pk=second.pk).exists()


@pytest.mark.django_db
def test_a_merge_of_two_extracted_organisations_moves_every_source(plan):  # noqa: F811
    from territoria.extraction.models import Source

    extracted = list(Organisation.objects.exclude(fact=None)[:2])
    a, b = extracted
    total = Source.objects.filter(fact__in=[a.fact_id, b.fact_id]).count()
    services.merge(b, a)
    assert Source.objects.filter(fact=a.fact_id).count() == total


@pytest.mark.django_db
def test_matches_are_explained_with_themes_languages_actions_and_documents(plan):  # noqa: F811
    ours, theirs = list(Organisation.objects.exclude(fact=None).order_by("id")[:2])  # both named in the plan document
    Organisation.objects.filter(pk=ours.pk).update(country="SN", languages=["fr"])
    Organisation.objects.filter(pk=theirs.pk).update(country="SN", languages=["fr", "en"])
    other = Organisation.objects.create(name="City of Kisumu", country="KE", languages=["en"])
    action = plan.sections.first().actions.first()
    for org in (ours, theirs):
        Partner.objects.get_or_create(plan=plan, action=action, organisation=org, role=Role.IMPLEMENTING)
    together = len(set(Partner.objects.filter(organisation=ours).values_list("action", flat=True))
                   & set(Partner.objects.filter(organisation=theirs).values_list("action", flat=True)))
    need = Capacity.objects.create(direction=Direction.NEED, kind="expertise", title="Finances locales",
                                   text="Améliorer le recouvrement de la taxe foncière et des recettes propres", themes=["local_finance"],
                                   languages=["fr"], countries=["SN"], organisation=ours)
    fit = Capacity.objects.create(direction=Direction.OFFER, kind="expertise", title="Property tax",
                                  text="Our experience of property tax collection and own-source revenue", themes=["local_finance"],
                                  languages=["fr", "en"], countries=["SN"], organisation=theirs)
    far = Capacity.objects.create(direction=Direction.OFFER, kind="expertise", title="Property tax", themes=["local_finance"],
                                  text="Property tax collection and own-source revenue", languages=["en"], countries=["KE"], organisation=other)
    Capacity.objects.create(direction=Direction.OFFER, kind="tools", title="Composting", themes=["environment"], organisation=other)
    found = Matcher().rank(need)
    assert [m.capacity_id for m in found] == [fit.pk, far.pk]
    reasons = explain(found[0].reasons)
    assert "same theme: Local finance" in reasons and "both work in French" in reasons
    assert f"partners together in {together} action{'s' if together > 1 else ''}" in reasons and "same country: Senegal" in reasons
    assert "both about: own-source revenue, property tax" in reasons
    assert "mentioned together in 1 document" in reasons
    assert found[0].score > found[1].score


@pytest.mark.django_db
def test_on_a_small_synthetic_network_the_top_5_offers_are_mostly_true_matches():
    network = generate(organisations=120, capacities=500, probes=20, seed=3)
    matcher, hits = Matcher(), []
    for need in Capacity.objects.filter(pk__in=network.probes):
        top = [m.capacity_id for m in matcher.rank(need, limit=5)]
        hits.append(sum(1 for i in top if i in network.truth[need.pk]) / 5)
    assert sum(hits) / len(hits) >= 0.8


@pytest.mark.django_db
def test_joint_requests_group_members_with_one_need_in_one_region_and_a_fitting_funding_line():
    from datetime import date, timedelta

    donor = Organisation.objects.create(name="Agence Française de Développement", acronym="AFD", kind="donor_agency")
    line = FundingLine.objects.create(donor=donor, name="Facilité villes durables", themes=["climate"], countries=["SN", "ML", "CI"],
                                      deadline=date.today() + timedelta(days=60))
    FundingLine.objects.create(donor=donor, name="Closed line", themes=["climate"], deadline=date.today() - timedelta(days=1))
    for name, country in (("Dakar", "SN"), ("Bamako", "ML")):
        org = Organisation.objects.create(name=name, country=country)
        Capacity.objects.create(direction=Direction.NEED, kind="funding", title="Adaptation", themes=["climate"], countries=[country], organisation=org)
    from territoria.directory.matching import joint_requests

    groups = joint_requests()
    assert [(g["theme"], g["region"], len(g["organisations"]), g["funding_lines"]) for g in groups] == [("climate", "africa", 2, [line.pk])]


@pytest.mark.django_db
def test_members_edit_their_own_organisation_only_and_visitors_see_no_contact_details(django_user_model):
    org = Organisation.objects.create(name="Ville de Saint-Louis", email="contact@saint-louis.example", phone="+221 33 000")
    other = Organisation.objects.create(name="Ville de Ziguinchor")
    focal = make_user(django_user_model, "focal", "member")
    org.members.add(focal)
    visitor = Client()
    page = visitor.get(f"/organisations/{org.pk}/").content.decode()
    assert "contact@saint-louis.example" not in page and "+221" not in page
    assert visitor.get(f"/api/organisations/{org.pk}/").json()["email"] == ""
    assert visitor.get("/api/directory/").json()["organisations"][0]["email"] == ""
    client = Client()
    client.force_login(focal)
    assert "contact@saint-louis.example" in client.get(f"/organisations/{org.pk}/").content.decode()
    response = client.post(f"/organisations/{org.pk}/save/", {"name": "Ville de Saint-Louis du Sénégal", "country": "SN", "languages": ["fr"]})
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.country, org.languages) == ("Ville de Saint-Louis du Sénégal", "SN", ["fr"])
    assert client.post(f"/organisations/{other.pk}/save/", {"name": "Hijacked"}).status_code == 403
    assert client.get(f"/organisations/{other.pk}/capacities/new/").status_code == 403
    assert client.get("/directory/import/").status_code == 403
    assert client.post("/directory/duplicates/", {"keep": org.pk, "drop": other.pk}).status_code == 403
    assert visitor.post(f"/organisations/{org.pk}/save/", {"name": "x"}).status_code == 302
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(focal)
    assert csrf.post(f"/organisations/{org.pk}/save/", {"name": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_member_writes_to_the_holder_of_an_offer_by_email(django_user_model):
    ours = Organisation.objects.create(name="Ville de Kaolack")
    theirs = Organisation.objects.create(name="Ville de Thiès", email="cooperation@thies.example")
    focal = make_user(django_user_model, "focal", "member")
    focal.email = "focal@kaolack.example"
    focal.save()
    ours.members.add(focal)
    offer = Capacity.objects.create(direction=Direction.OFFER, kind="training", title="Formation <script>", organisation=theirs)
    client = Client()
    client.force_login(focal)
    response = client.post(f"/capacities/{offer.pk}/contact/", {"message": "Bonjour, pouvons-nous échanger ?"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["cooperation@thies.example"] and sent.reply_to == ["focal@kaolack.example"]
    assert "Bonjour, pouvons-nous échanger ?" in sent.body
    assert Client().post(f"/capacities/{offer.pk}/contact/", {"message": "x"}).status_code == 302  # visitors go to the login page
    assert len(mail.outbox) == 1
    assert "Formation &lt;script&gt;" in client.get(f"/capacities/{offer.pk}/").content.decode()


@pytest.mark.django_db
def test_popolo_export_links_organisations_people_and_memberships_by_id():
    org = Organisation.objects.create(name="UCLG Capacity and Institution Building Working Group", acronym="CIB", aliases=["UCLG-CIB"],
                                      country="NL", iati_ref="XM-CIB")
    person = Person.objects.create(name="Jessie Post")
    services.Post.objects.create(organisation=org, label="coordinator of the CIB secretariat")
    Membership.objects.create(person=person, organisation=org, role="coordinator", post=org.posts.get())
    data = json.loads(popolo())
    assert set(data) >= {"organizations", "persons", "memberships"}
    organisation = data["organizations"][0]
    assert organisation["id"] == f"organization/{org.pk}" and {"name": "CIB", "note": "acronym"} in organisation["other_names"]
    assert {"scheme": "IATI", "identifier": "XM-CIB"} in organisation["identifiers"] and organisation["area_id"] == "country/NL"
    membership = data["memberships"][0]
    assert membership["person_id"] == data["persons"][0]["id"] and membership["organization_id"] == organisation["id"]
    assert membership["label"] == "coordinator of the CIB secretariat" and membership["post_id"] == data["posts"][0]["id"]
    out = io.StringIO()
    call_command("export", "organisations", "--format", "popolo", stdout=out)
    assert json.loads(out.getvalue()) == data
    out = io.StringIO()
    call_command("export", "people", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[1].startswith(f"{person.pk},Jessie Post,coordinator,")


@pytest.mark.django_db
def test_the_map_is_a_shipped_svg_with_a_link_per_country_that_has_organisations():
    Organisation.objects.create(name="Ville de Dakar", country="SN")
    Organisation.objects.create(name="Ciudad de México", country="MX", kind="city")
    page = Client().get("/directory/map/").content.decode()
    assert page.count("<path ") > 150
    assert 'href="/directory/?country=SN"' in page and 'href="/directory/?country=MX"' in page
    only_cities = Client().get("/api/directory/map/?kind=city").json()
    assert [c["code"] for c in only_cities["countries"]] == ["MX"]
    assert "Sénégal" in Client(HTTP_ACCEPT_LANGUAGE="fr").get("/directory/map/").content.decode()


@pytest.mark.django_db
def test_directory_pages_answer_in_three_languages_and_filter(client):
    Organisation.objects.create(name="Ville de Dakar", country="SN", kind="city")
    Organisation.objects.create(name="FEMP", country="ES", kind="local_government_association")
    for language, word in (("en", "Directory"), ("fr", "Annuaire"), ("es", "Directorio")):
        assert word in Client(HTTP_ACCEPT_LANGUAGE=language).get("/directory/").content.decode()
    assert [o["name"] for o in client.get("/api/directory/?region=africa").json()["organisations"]] == ["Ville de Dakar"]
    assert [o["name"] for o in client.get("/api/directory/?q=femp").json()["organisations"]] == ["FEMP"]


@pytest.mark.django_db
def test_find_a_partner_ranks_offers_for_a_described_need_across_languages():
    org = Organisation.objects.create(name="Municipio de Cuenca", country="EC", languages=["es"])
    offer = Capacity.objects.create(direction=Direction.OFFER, kind="expertise", title="Presupuesto participativo",
                                    text="Experiencia de presupuesto participativo y participación ciudadana", themes=["local_democracy"],
                                    languages=["es", "fr"], organisation=org)
    body = Client().get("/api/directory/find/", {"text": "budget participatif et participation citoyenne", "languages": ["fr"]}).json()
    assert body["matches"][0]["id"] == offer.pk
    assert any("both work in French" == r for r in body["matches"][0]["reasons"])
