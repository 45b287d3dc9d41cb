"""Batched ingestion (ingest_many): several files per transaction, the same results as one
file at a time."""

import pytest

from territoria.library import services
from territoria.library.models import Document, Passage, Version
from territoria.library.services import Item, ingest_many
from territoria.search.backends import Filters
from territoria.search.engine import search

pytestmark = pytest.mark.django_db


def note(i: int, place: str = "Marrakech") -> bytes:
    return f"Réunion {i} du groupe de travail à {place}.\n\nLa finance locale et le climat.".encode()


def test_a_batch_stores_each_file_with_its_own_passages_and_index_rows():
    results = list(ingest_many(Item(f"n{i}.txt", f"n{i}.txt", note(i)) for i in range(7)))
    assert [r.status for r in results] == ["created"] * 7
    assert len({r.id for r in results}) == 7
    for result in results:
        document = Document.objects.get(pk=result.id)
        assert document.current.document_id == document.pk
        assert Passage.objects.filter(version=document.current).count() == 2
        assert document.key == result.path
    assert search("Marrakech", Filters(public_only=False)).total == 7


def test_one_key_or_one_content_twice_in_a_batch_behaves_as_one_file_after_the_other():
    results = list(ingest_many([
        Item("a.txt", "a.txt", note(1)),
        Item("a.txt", "a.txt", note(2)),  # same key, new content: a second version
        Item("copy.txt", "copy.txt", note(2)),  # same content as the file before: unchanged, that document
        Item("a.txt", "a.txt", note(2)),  # same key and content: unchanged
    ]))
    assert [r.status for r in results] == ["created", "updated", "unchanged", "unchanged"]
    assert len({r.id for r in results}) == 1
    assert list(Version.objects.filter(document_id=results[0].id).values_list("number", flat=True)) == [2, 1]


def test_a_file_the_database_refuses_leaves_the_rest_of_its_batch_stored(monkeypatch):
    backend_class = type(services.get_backend())
    original = backend_class.index_documents

    def refuse_bad(self, pairs):
        if any(document.key == "bad.txt" for _, document in pairs):
            raise RuntimeError("index refused")
        return original(self, pairs)

    monkeypatch.setattr(backend_class, "index_documents", refuse_bad)
    items = [Item("good1.txt", "good1.txt", note(1)), Item("bad.txt", "bad.txt", note(2)), Item("good2.txt", "good2.txt", note(3))]
    results = list(ingest_many(items))
    assert [r.status for r in results] == ["created", "failed", "created"]
    assert "bad.txt: could not be stored (RuntimeError: index refused)" == results[1].error
    assert sorted(Document.objects.values_list("key", flat=True)) == ["good1.txt", "good2.txt"]
    assert search("Marrakech", Filters(public_only=False)).total == 2


def test_failed_conversions_and_unreadable_files_keep_their_place_in_the_results(tmp_path):
    (tmp_path / "a.txt").write_bytes(note(1))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(note(2))
    paths = [tmp_path / "a.txt", tmp_path / "empty.txt", tmp_path / "missing.txt", tmp_path / "b.txt"]
    results = list(services.ingest_paths(paths))
    assert [r.status for r in results] == ["created", "failed", "failed", "created"]
    assert results[1].error.startswith("empty.txt:") and results[2].error.startswith("missing.txt: cannot be read")
    assert [r.path for r in results] == [str(p.resolve()) for p in paths]


def test_a_document_whose_facts_the_database_refuses_leaves_the_rest_of_its_batch_extracted(monkeypatch):
    from territoria.extraction import pipeline
    from territoria.extraction.models import Fact, Run

    items = [Item(f"n{i}.txt", f"n{i}.txt", note(i, place)) for i, place in enumerate(["Marrakech", "Dakar", "Quito"])]
    ids = [r.id for r in ingest_many(items, extract=False)]
    original = pipeline.reconcile_batch

    def refuse_dakar(work):
        if any(c.data.get("name") == "Dakar" for w in work for c in w.candidates):
            raise RuntimeError("refused")
        return original(work)

    monkeypatch.setattr(pipeline, "reconcile_batch", refuse_dakar)
    runs = pipeline.extract_documents(Document.objects.filter(pk__in=ids).order_by("id"))
    assert [run.status for run in runs] == ["success", "failure", "success"]
    assert runs[1].errors == ["store: RuntimeError: refused"]
    assert Run.objects.count() == 3
    places = {f.data["name"] for f in Fact.objects.filter(kind="place")}
    assert "Marrakech" in places and "Quito" in places and "Dakar" not in places


def test_insert_objects_writes_what_the_orm_would_and_sets_primary_keys():
    """core.sql.insert_objects, which writes the followers' records (COPY on PostgreSQL): JSON,
    dates, times, auto_now and foreign keys as the ORM would store them."""
    from datetime import date, time

    from territoria.core.sql import insert_objects
    from territoria.events.models import AgendaItem, Event

    events = [Event(name=f"Forum {i}", start_date=date(2024, 3, i + 1), end_date=date(2024, 3, i + 2), start_time=time(9, 30),
                    timezone="Europe/Paris", sdgs=[5, 11], themes=["gender"], conflicts={"end": [{"value": "2024-03-09"}]})
              for i in range(3)]
    for event in events:
        event.normalise()
    insert_objects(events)
    assert all(e.pk and not e._state.adding for e in events)
    insert_objects([AgendaItem(event=events[1], title="Ouverture", speakers=["Ana Lee"], order=2, start_time=time(10))])
    stored = Event.objects.get(pk=events[1].pk)
    assert (stored.name, stored.start_date, stored.start_time, stored.sdgs, stored.themes) == ("Forum 1", date(2024, 3, 2), time(9, 30), [5, 11], ["gender"])
    assert stored.conflicts == {"end": [{"value": "2024-03-09"}]} and stored.tags == " sdg:5 sdg:11 theme:gender "
    assert stored.starts_at == events[1].starts_at and stored.created_at is not None
    assert list(stored.agenda.values_list("title", "speakers", "start_time")) == [("Ouverture", ["Ana Lee"], time(10))]
    assert insert_objects([]) == []


def test_the_collector_is_paused_for_a_batch_and_back_after_it(monkeypatch):
    import gc

    from territoria.core import collector

    seen, convert = [], services.convert
    monkeypatch.setattr(services, "convert", lambda *args, **kwargs: (seen.append(gc.isenabled()), convert(*args, **kwargs))[1])
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # nested: still paused, and not re-enabled on the way out
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    assert [r.status for r in ingest_many([Item("n.txt", "n.txt", note(1))])] == ["created"]
    assert seen == [False] and gc.isenabled()
