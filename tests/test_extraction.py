"""Extraction: actions, dates, people, review decisions that survive re-extraction."""

import io
import json
import sys
import time

import pytest
from django.core.management import call_command

from territoria.extraction import review
from territoria.extraction.dates import find_dates
from territoria.extraction.exports import records
from territoria.extraction.extractors.people import people_in
from territoria.extraction.models import Fact, State
from territoria.extraction.pipeline import extract_document
from territoria.library.models import Document
from territoria.library.services import ingest_bytes

PLAN = """PLAN DE TRAVAIL 2024

1. Finances locales

ACTION CENTRALE :

- Publier le rapport de l'Observatoire avec l'OCDE.
- Organiser un atelier à La Haye les 1er et 2 octobre.

ACTION RENFORCEE par notre partenariat avec S.I.D.A. :

- Former dix associations de gouvernements locaux.

2. Égalité des genres

- Lancer le pôle de connaissances sur le genre (ODD 5).

CORE ACTION:

- Host the annual meeting in Marrakech from 15 to 18 May 2023.

REINFORCED ACTION through our partnership with Sida:

- Train mayors on gender-responsive budgeting.
"""


@pytest.mark.parametrize("text, expected", [
    ("du 15 au 18 mai 2023", ("2023-05-15", "2023-05-18", False)),
    ("29 et 30 septembre", ("2016-09-29", "2016-09-30", True)),
    ("JEUDI 24 FEVRIER 2022, 16H15-17H00 (CET)", ("2022-02-24T16:15:00+01:00", "2022-02-24T17:00:00+01:00", False)),
    ("April–June 2023", ("2023-04", "2023-06", False)),
    ("d'ici mi-2022", ("2022", "2022", False)),
    ("del 3 al 5 de marzo", ("2016-03-03", "2016-03-05", True)),
    ("les 1er et 2 octobre", ("2016-10-01", "2016-10-02", True)),
    ("March 5-7, 2024", ("2024-03-05", "2024-03-07", False)),
])
def test_it_reads_dates_ranges_lists_and_times(text, expected):
    [mention] = find_dates(text, 2016)
    assert (mention.iso("start"), mention.iso("end"), mention.year_inferred) == expected


def test_it_finds_people_with_roles_either_side_of_the_name():
    text = ("Facilitation : Jessie Post, coordinatrice du Secrétariat du Groupe de travail CIB. "
            "Le Groupe collabore avec l'expert principal Sébastien Hamel. "
            "Palabras de Laura Méndez Rojas, alcaldesa de Bogotá, y de Marta Vidal, coordinadora del CIB.")
    found = [(p["name"], p["role"]) for p, _, _ in people_in(text)]
    assert found == [
        ("Jessie Post", "coordinatrice du Secrétariat du Groupe de travail CIB"),
        ("Laura Méndez Rojas", "alcaldesa de Bogotá"),
        ("Marta Vidal", "coordinadora del CIB"),
        ("Sébastien Hamel", "expert principal"),
    ]


@pytest.mark.parametrize("text", [
    "Directora: Ana María López. Subdirector: Juan Pérez Gómez; Chef de projet : Paul Martin",
    "Asesora técnica: Rosa Mamani y Experta: María Quispe Mamani. Président: ",
    "DIRECTEUR : Jean Dupont — Head of Unit: Maria Silva Santos: Coordinator: Ana Lee",
    "İstanbul Directorate: Ayşe Yılmaz Demir",  # lower-casing moves characters: the plain pattern is used
])
def test_the_fast_colon_pattern_finds_what_the_regex_finds(text):
    from territoria.extraction.extractors.people import ROLE_COLON, _colon_matches

    assert [m.span() for m in _colon_matches(text)] == [m.span() for m in ROLE_COLON.finditer(text)]


def test_dates_in_capitals_are_read_as_in_lower_case():
    text = "24 FÉVRIER 2022 ; du 3 au 5 MAI ; İzmir, MARCH 5-7, 2024"  # "İ" grows when lower-cased: that text takes the case-blind patterns
    assert [(m.date_start, m.date_end) for m in find_dates(text, 2022)] == [
        ("2022-02-24", "2022-02-24"), ("2022-05-03", "2022-05-05"), ("2024-03-05", "2024-03-07")]
    assert [(m.date_start, m.date_end) for m in find_dates(text.replace("İzmir", "Izmir"), 2022)][-1] == ("2024-03-05", "2024-03-07")


@pytest.fixture
def plan(db):
    result = ingest_bytes("plan.md", PLAN.encode(), key="plan.md")
    return Document.objects.get(pk=result.id)


def test_work_plan_items_become_actions_with_their_kind_and_partner(plan):
    actions = records("action")
    assert [(a["section"], a["kind"]) for a in actions] == [
        ("1", "core"), ("1", "core"), ("1", "reinforced_partnership"), ("2", "other"), ("2", "core"), ("2", "reinforced_partnership")]
    assert all(a["sources"][0]["document_id"] == plan.pk for a in actions)
    assert actions[3]["sdgs"] == [5]


def test_reextraction_keeps_what_a_person_decided(plan, editor):
    person_event = Fact.objects.filter(kind="event").first()
    action = Fact.objects.filter(kind="action").first()
    review.reject(person_event, editor)
    review.correct(action, {"text": "Publier le rapport 2024 de l'Observatoire."}, editor)
    extract_document(plan)
    extract_document(plan)
    person_event.refresh_from_db()
    action.refresh_from_db()
    assert person_event.state == State.REJECTED and person_event.sources.exists()
    assert action.state == State.CORRECTED and action.data["text"] == "Publier le rapport 2024 de l'Observatoire."
    assert person_event.pk not in [e["id"] for e in records("event")]


def test_hostile_text_gets_a_bounded_extraction(db):
    hostile = ("x" * 1_000_000 + "\n\n" + "- " * 3000 + "deep\n\n" + "Ωmixed ру́сский 中文 du 15 au 18 mai 2023 " * 5000).encode()
    started = time.perf_counter()
    result = ingest_bytes("hostile.txt", hostile, key="hostile.txt")
    assert result.status == "created"
    assert time.perf_counter() - started < 30
    assert Document.objects.get(pk=result.id).extraction_runs.first().status in ("success", "partial")


def test_sdg_command_reads_and_writes_json_lines(monkeypatch, capsys):
    lines = [{"id": 1, "text": "Promouvoir l'égalité des genres et le leadership des femmes élues locales (ODD 5)."},
             {"id": "b", "text": "Access to safe drinking water and sanitation in informal settlements."},
             {"id": 3, "text": "Mejorar el acceso al agua potable y al saneamiento en los barrios."}]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(json.dumps(x) for x in lines) + "\nnot json\n"))
    call_command("sdg", "--jsonl")
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3, None]
    assert 5 in out[0]["sdgs"] and out[0]["scores"]["5"] == 1.0
    assert all(set(o) == {"id", "sdgs", "scores"} for o in out[:3])
    assert 6 in out[1]["sdgs"] and 6 in out[2]["sdgs"]


@pytest.mark.parametrize("text", [
    "La Coopération décentralisée à Bogotá, São Paulo et Île-de-France — CGLU/UCLG (S.I.D.A.) 2023.",
    "İstanbul, ǅemal and the ﬁnance ½ of 1º año",  # lower-casing or folding moves characters: split as before
    "Decomposed e\u0301cole and naïve coöperation", "plain ASCII words, 12 of them_and_more",
])
def test_words_ingestion_found_give_the_same_tokens(text):
    from territoria.core.text import words
    from territoria.extraction.matcher import tokens

    fresh, reused = tokens(text), tokens(text, words(text))
    assert reused.words == fresh.words
    assert [reused.span(i) for i in range(len(reused))] == [fresh.span(i) for i in range(len(fresh))]
