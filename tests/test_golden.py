"""Golden files: what extraction yields on the seeds and the demo corpus.

Set TERRITORIA_REGENERATE_GOLDEN=1 to rewrite tests/golden/*.json after a deliberate change,
review the diff, and commit it; a test fails while the switch is on so it is never left on.
"""

import json
import os
from pathlib import Path

import pytest

from territoria.demo.build import build_demo
from territoria.extraction.exports import records
from territoria.library.services import expand_paths, ingest_path

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("TERRITORIA_REGENERATE_GOLDEN") == "1"


def test_the_regenerate_switch_is_off():
    assert not REGENERATE, "unset TERRITORIA_REGENERATE_GOLDEN before committing"


def snapshot(names: dict[int, str]) -> dict:
    """Facts per document file name, in a stable, readable form."""
    def doc(record):
        return names.get(record["sources"][0]["document_id"]) if record["sources"] else None

    def docs(record):
        return sorted({names[s["document_id"]] for s in record["sources"] if s["document_id"] in names})

    out: dict = {}
    for a in records("action"):
        out.setdefault(doc(a), {}).setdefault("actions", []).append([a["section"], a["kind"], a["partnership"], a["text"][:70]])
    for kind, fields in (("organisation", ("name", "kind", "country")), ("person", ("name", "role", "organisation")),
                         ("place", ("name", "kind", "country_code")),
                         ("event", ("name", "start", "end", "year_inferred", "timezone", "place", "organiser"))):
        for r in records(kind):
            out.setdefault("_all", {}).setdefault(kind, []).append([*(r[f] for f in fields), docs(r)])
    for value in out.values():
        for key in value:
            value[key].sort(key=json.dumps)
    return out


def check(name: str, actual: dict) -> None:
    path = GOLDEN / f"{name}.json"
    if REGENERATE:
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(actual)) == expected


@pytest.mark.django_db
def test_seeds_match_their_golden_file(seeds):
    names = {ingest_path(p).id: p.name for p in expand_paths([seeds])}
    actual = snapshot(names)
    check("seeds", actual)
    actions = actual["004_b37fac5606fc5f47.txt"]["actions"]
    assert len(actions) == 307 and len({a[0] for a in actions}) == 36
    assert sum(1 for a in actions if a[1] == "reinforced_partnership" and a[2] == "Sida") == 27
    events = {(e[1], e[2], e[3], e[5]) for e in actual["_all"]["event"]}
    assert {("2023-05-15", "2023-05-18", False, "Marrakech"), ("2022-02-24T16:15:00+01:00", "2022-02-24T17:00:00+01:00", False, None),
            ("2016-09-29", "2016-09-30", True, None), ("2016-10-01", "2016-10-02", True, "The Hague")} <= events
    people = {p[0]: p[1] for p in actual["_all"]["person"]}
    assert people["Jessie Post"] == "coordinatrice du Secrétariat du Groupe de travail CIB"
    assert {"Jan van Zanen", "Sébastien Hamel", "Barbara Samuels"} <= set(people)


@pytest.mark.django_db
def test_aliases_in_the_seeds_resolve_to_one_organisation_each(seeds):
    for path in expand_paths([seeds]):
        ingest_path(path)
    organisations = records("organisation")
    for aliases in (("CGLU", "UCLG"), ("ONU-Habitat", "UN-Habitat"), ("S.I.D.A.", "Sida", "ASDI"), ("OCDE", "OECD")):
        holders = [o for o in organisations if set(aliases) & set(o["aliases"] + [o["acronym"]])]
        assert len(holders) == 1, (aliases, [o["name"] for o in holders])
        assert holders[0]["sources"], aliases


@pytest.mark.django_db
def test_demo_corpus_matches_its_golden_file(tmp_path):
    names = {ingest_path(p).id: p.name for p in build_demo(tmp_path / "demo")}
    check("demo", snapshot(names))
