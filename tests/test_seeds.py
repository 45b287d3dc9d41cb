"""The specification documents in ../shared/seeds (skipped when absent)."""

import pytest

from territoria.library.models import Document, Passage
from territoria.library.services import expand_paths, ingest_path
from territoria.search.backends import Filters
from territoria.search.engine import search


@pytest.fixture
def ingested(seeds, db):
    return {p.name[:3]: ingest_path(p) for p in expand_paths([seeds])}


def test_the_five_seeds_are_french_documents(ingested):
    assert len(ingested) == 5
    assert {r.status for r in ingested.values()} == {"created"}
    assert {r.language for r in ingested.values()} == {"fr"}


def test_seed_004_yields_its_numbered_sections_from_1_to_5_9(ingested):
    document = Document.objects.get(pk=ingested["004"].id)
    numbers = list(Passage.objects.filter(version=document.current).exclude(number="").values_list("number", flat=True))
    assert numbers[0] == "1" and numbers[-1] == "5.9"
    assert {"2.1.1", "2.2.2.4", "3.2.5", "4.4", "5.3"} <= set(numbers)
    assert len(numbers) == len(set(numbers)) == 46
    malaga = Passage.objects.filter(version=document.current, text__contains="Malaga")
    assert malaga.count() == 2 and {p.section for p in malaga} == {"2.2.2.4"}


@pytest.mark.parametrize("query, expected", [
    ("annual meeting Marrakech", "rencontre annuelle"),
    ("gender knowledge hub", "genre"),
    ("igualdad de género", "galit"),
    ("agenda de aprendizaje", "agenda d'apprentissage"),
])
def test_english_and_spanish_queries_find_french_passages_in_the_top_3(ingested, query, expected):
    hits = search(query, Filters(public_only=False), limit=3).hits
    assert hits and all(h.passage.language == "fr" for h in hits)
    assert any(expected in h.passage.text.lower() for h in hits), [h.passage.text[:80] for h in hits]
