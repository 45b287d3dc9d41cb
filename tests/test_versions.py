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
