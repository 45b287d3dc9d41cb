"""The `territoria` command: exact JSON shapes and exit codes."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

TERRITORIA = Path(sys.executable).with_name("territoria")


def run_command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue()


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "plan.md").write_text("# Plan de travail 2024\n\n## 1. Finances locales\n\n- Soutenir les associations de gouvernements locaux.\n")
    (folder / "sub" / "news.txt").write_text("UCLG annual meeting\n\nThe annual meeting of the CIB working group took place in Marrakech.\n")
    return folder


@pytest.mark.django_db
def test_ingest_json_lists_every_file_with_its_status(corpus):
    code, out = run_command("ingest", str(corpus), "--json")
    documents = json.loads(out)["documents"]
    assert code == 0 and len(documents) == 2
    assert {"path", "id", "status", "language", "title", "error"} <= set(documents[0])
    assert [(d["status"], d["language"]) for d in documents] == [("created", "fr"), ("created", "en")]
    code, out = run_command("ingest", str(corpus), "--json")
    assert [d["status"] for d in json.loads(out)["documents"]] == ["unchanged", "unchanged"]
    (corpus / "plan.md").write_text("# Plan de travail 2025\n\n## 1. Finances locales\n\n- Nouvelle action.\n")
    code, out = run_command("ingest", str(corpus / "plan.md"), "--json")
    assert json.loads(out)["documents"][0]["status"] == "updated"


@pytest.mark.django_db
def test_ingest_exits_1_when_a_file_failed_and_stores_the_others(corpus):
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    code, out = run_command("ingest", str(corpus), "--json")
    documents = json.loads(out)["documents"]
    assert code == 1
    assert sorted(d["status"] for d in documents) == ["created", "created", "failed"]
    failed = next(d for d in documents if d["status"] == "failed")
    assert failed["error"].startswith("broken.pdf: ") and failed["id"] is None


@pytest.mark.django_db
def test_search_json_has_the_documented_shape(corpus):
    run_command("ingest", str(corpus))
    code, out = run_command("search", "réunion annuelle", "--json", "--limit", "5")
    hits = json.loads(out)["hits"]
    assert code == 0 and hits
    assert {"document_id", "title", "path", "language", "section", "snippet", "score"} <= set(hits[0])
    assert hits[0]["language"] == "en" and any("Marrakech" in h["snippet"] for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    code, out = run_command("search", "associations", "--lang", "fr", "--json")
    assert json.loads(out)["hits"][0]["section"] == "1"


@pytest.mark.django_db
def test_export_documents_as_json_and_csv(corpus):
    run_command("ingest", str(corpus))
    code, out = run_command("export", "documents", "--format", "json")
    records = json.loads(out)
    assert {"id", "path", "title", "language", "type", "sha256"} <= set(records[0])
    code, out = run_command("export", "documents", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["sha256"] for r in rows] == [r["sha256"] for r in records]


def test_the_installed_command_works_end_to_end_and_exits_2_on_usage_errors(tmp_path, corpus):
    env = {**os.environ, "TERRITORIA_DATA_DIR": str(tmp_path / "var")}
    env.pop("TERRITORIA_DATABASE_URL", None)
    done = subprocess.run([TERRITORIA, "ingest", str(corpus), "--json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["documents"]) == 2
    done = subprocess.run([TERRITORIA, "search", "Marrakech", "--json"], env=env, capture_output=True, text=True)
    assert json.loads(done.stdout)["hits"][0]["title"] == "UCLG annual meeting"
    assert subprocess.run([TERRITORIA, "ingest"], env=env, capture_output=True).returncode == 2
    assert subprocess.run([TERRITORIA, "ingest", str(tmp_path / "nope")], env=env, capture_output=True).returncode == 2
    assert subprocess.run([TERRITORIA, "search", "x", "--lang", "de"], env=env, capture_output=True).returncode == 2
