"""Bad input: a clear message naming the file, nothing stored is lost, the batch goes on."""

import pytest

from territoria.library.models import Document, Passage
from territoria.library.services import ingest_bytes, ingest_path
from tests import factories

GOOD = "Plan de travail 2024\n\n1. Coopération décentralisée\n\nLes villes membres de CGLU coopèrent.\n".encode()

BAD = {
    "empty.txt": (b"", "the file is empty"),
    "corrupt.pdf": (b"%PDF-1.7\n" + b"\x13garbage" * 200, "corrupt or unreadable PDF"),
    "scan.pdf": (factories.pdf_without_text(), "no text layer"),
    "notes.xyz": (b"some text", "unsupported format '.xyz'"),
    "bomb.docx": (factories.zip_bomb(), "ZIP bomb"),
    "junk.txt": (bytes(range(256)) * 64, "binary data"),
    "fake.docx": (b"not a zip at all", "not a DOCX file"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD))
def test_it_refuses_bad_files_with_a_clear_message(name):
    data, message = BAD[name]
    result = ingest_bytes(name, data, key=name)
    assert result.status == "failed"
    assert result.error.startswith(f"{name}: ") and message in result.error
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_it_refuses_oversize_files(settings):
    settings.MAX_UPLOAD_MB, settings.MAX_UPLOAD_BYTES = 1, 1024 * 1024
    result = ingest_bytes("big.txt", b"word " * 300_000, key="big.txt")
    assert result.failed and "above the 1 MB limit" in result.error


@pytest.mark.django_db
def test_a_batch_goes_on_past_bad_files_and_keeps_what_is_stored(tmp_path):
    tmp_path = tmp_path / "batch"
    tmp_path.mkdir()
    (tmp_path / "a-good.txt").write_bytes(GOOD)
    first = ingest_path(tmp_path / "a-good.txt")
    stored = Passage.objects.count()
    for name, (data, _) in BAD.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "z-good.md").write_bytes(b"# Report\n\nThe annual meeting took place in Marrakech in May 2023.\n")
    # A changed file that turns bad must not replace the stored good version.
    (tmp_path / "a-good.txt").write_bytes(b"")
    results = [ingest_path(p) for p in sorted(tmp_path.iterdir())]
    assert [r.status for r in results].count("failed") == len(BAD) + 1, [r.error for r in results]
    assert results[-1].status == "created"
    document = Document.objects.get(pk=first.id)
    assert document.current.sha256 and Passage.objects.filter(version=document.current).count() == stored


@pytest.mark.django_db
def test_hostile_text_is_handled_quickly():
    import time

    started = time.perf_counter()
    for data in (b"x" * 1_000_000, ("- " * 5000 + "deep\n").encode() * 20, ("Ωmixed ру́сский 中文 " * 20000).encode()):
        result = ingest_bytes("hostile.txt", data, key=f"hostile-{len(data)}")
        assert result.status in ("created", "failed")
    assert time.perf_counter() - started < 30  # a generous bound: it must not hang
