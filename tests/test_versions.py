import pytest

from territoria.library.models import Document, Version
from territoria.library.services import ingest_bytes
from territoria.search.backends import Filters
from territoria.search.engine import search


@pytest.mark.django_db
def test_reingesting_the_same_file_changes_nothing():
    first = ingest_bytes("note.txt", b"La reunion annuelle du CIB se tiendra a Marrakech en mai.", key="note.txt")
    again = ingest_bytes("note.txt", b"La reunion annuelle du CIB se tiendra a Marrakech en mai.", key="note.txt")
    assert (first.status, again.status, again.id) == ("created", "unchanged", first.id)
    assert Version.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_file_becomes_a_new_version_and_the_old_one_is_kept():
    first = ingest_bytes("note.txt", b"La reunion annuelle du CIB se tiendra a Marrakech en mai.", key="note.txt")
    second = ingest_bytes("note.txt", b"La reunion annuelle du CIB se tiendra a La Haye en octobre.", key="note.txt")
    assert (second.status, second.id) == ("updated", first.id)
    document = Document.objects.get(pk=first.id)
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    assert document.versions.get(number=1).file.read().startswith(b"La reunion")
    everything = Filters(public_only=False)
    assert search("Marrakech", everything).total == 0  # only the current version is searched
    assert search("Haye", everything).total == 1


@pytest.mark.django_db
def test_deleting_a_document_takes_its_passages_out_of_the_search_index():
    from django.db import connection

    kept = ingest_bytes("kept.txt", b"Le forum de Marrakech sur la finance locale.", key="kept.txt")
    gone = ingest_bytes("gone.txt", b"La reunion de Marrakech sur le climat.", key="gone.txt")
    ingest_bytes("gone.txt", b"La reunion de Marrakech sur le climat, version 2.", key="gone.txt")
    everything = Filters(public_only=False)
    assert search("Marrakech", everything).total == 2
    Document.objects.get(pk=gone.id).delete()
    assert search("Marrakech", everything).total == 1
    assert [hit.passage.document_id for hit in search("Marrakech", everything).hits] == [kept.id]
    table = "search_pg" if connection.vendor == "postgresql" else "search_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE document_id = %s", [gone.id])
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_passages_beyond_the_index_limits_are_stored_and_found():
    """PostgreSQL refuses a word over 2,047 bytes and a tsvector over 1 MB: such words are
    left out of the index (as to_tsvector did), never the document."""
    long_word = "ab" * 1_600
    many = " ".join(f"mot{i:06x}zzzzzzzz" for i in range(70_000))  # 1.4 MB of distinct words
    data = f"Marrakech {long_word} finance.\n\nMarrakech {many} climat.\n".encode()
    result = ingest_bytes("limits.txt", data, key="limits.txt")
    assert result.status == "created", result.error
    everything = Filters(public_only=False)
    assert search("finance", everything).total == 1
    assert search("Marrakech", everything).total == 2
    assert search("mot000001zzzzzzzz", everything).total == 1


def test_a_vector_literal_keeps_positions_and_bounds():
    from territoria.search.backends.postgres import MAX_POSITION, vector

    assert vector("Les villes et les régions", "fr") == "vill:1 region:2"
    assert vector("a " * 10 + "x" * 3_000 + " cities", "en").split() == ["citi:1"]  # the word PostgreSQL would refuse is left out
    positions = [int(entry.split(":")[1]) for entry in vector("word " * 20_000, "en").split()]
    assert max(positions) == MAX_POSITION
