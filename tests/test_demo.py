import hashlib

import pytest
from django.core.management import call_command

from territoria.demo.build import build_demo
from territoria.library.models import Document


def test_the_demo_build_is_deterministic_and_varied(tmp_path):
    first = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build_demo(tmp_path / "a")}
    second = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build_demo(tmp_path / "b")}
    assert first == second and len(first) >= 6
    assert {name.rsplit(".", 1)[1] for name in first} >= {"pdf", "docx", "html", "md", "txt"}


@pytest.mark.django_db
def test_the_demo_loads_in_three_languages_and_every_kind_of_document(capsys):
    call_command("loaddemo")
    documents = Document.objects.all()
    assert {d.language for d in documents} == {"fr", "en", "es"}
    assert {"workplan", "agenda", "news", "call", "report", "policy"} <= {d.doc_type for d in documents}
    assert "failed" not in capsys.readouterr().err
    call_command("loaddemo")
    assert "unchanged" in capsys.readouterr().out and Document.objects.count() == len(documents)
