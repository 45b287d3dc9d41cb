"""Worker processes (core.parallel): extraction's reading shared with other cores gives what
reading it here gives, in order, and survives a worker that dies."""

import os
import time

import pytest

from territoria.core import parallel


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def die_in_a_worker(parent: int, seconds: float) -> int:
    time.sleep(seconds)
    if os.getpid() != parent:
        os._exit(1)
    return os.getpid()


def unpicklable(value: int):
    return lambda: value  # a result no worker can send back


@pytest.fixture
def workers(monkeypatch):
    monkeypatch.setenv("TERRITORIA_WORKERS", "1")
    parallel.shutdown()
    assert parallel.start(wait=True)
    yield
    parallel.shutdown()


def test_chunks_are_consecutive_and_cover_every_job():
    assert parallel._chunks([3, 1, 2] * 4, 4) == [range(0, 3), range(3, 6), range(6, 9), range(9, 12)]
    weights = [5, 1, 1, 1, 30, 2, 2, 2, 2, 4]  # one heavy job: fewer, uneven chunks, every job in one
    chunks = parallel._chunks(weights, 4)
    assert [i for chunk in chunks for i in chunk] == list(range(len(weights))) and all(len(chunk) for chunk in chunks)


def test_without_started_workers_everything_is_read_here(monkeypatch):
    monkeypatch.setenv("TERRITORIA_WORKERS", "1")
    parallel.shutdown()
    shared = parallel.submit(sleep_then_pid, [(0,)] * 4, [parallel.MIN_WEIGHT] * 4)
    assert not shared.sent and shared.results() == [os.getpid()] * 4


def test_the_worker_takes_chunks_from_the_front_this_process_from_the_back(workers):
    jobs = [(0.03,)] * 12
    results = parallel.share(sleep_then_pid, jobs, [parallel.MIN_WEIGHT] * 12)
    assert len(results) == 12
    assert results[0] != os.getpid() and results[-1] == os.getpid()
    here = [pid == os.getpid() for pid in results]
    assert here == sorted(here)  # one run of the worker's, then one of this process's


def test_small_batches_stay_here(workers):
    assert parallel.share(sleep_then_pid, [(0,), (0,)], [10, 10]) == [os.getpid()] * 2


def test_a_result_that_cannot_travel_is_computed_here(workers):
    results = parallel.share(unpicklable, [(i,) for i in range(6)], [parallel.MIN_WEIGHT] * 6)
    assert [f() for f in results] == list(range(6))


# Python 3.11's executor then fails in its own thread on the futures taken back (cancelled): see parallel._outcome.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_worker_that_dies_mid_batch_leaves_its_chunks_to_this_process(workers):
    parent = os.getpid()
    started = time.perf_counter()
    results = parallel.share(die_in_a_worker, [(parent, 0.05)] * 8, [parallel.MIN_WEIGHT] * 8)
    assert results == [parent] * 8 and time.perf_counter() - started < 20
    assert parallel._pool is None  # no more workers for this process
    assert parallel.share(sleep_then_pid, [(0,)] * 3, [parallel.MIN_WEIGHT] * 3) == [parent] * 3


@pytest.mark.django_db
def test_extraction_read_by_a_worker_equals_extraction_read_here(workers):
    """Every candidate, source and topic row a worker sends back (passages sent as tuples,
    stems without words, candidates as tuples) is what this process finds itself."""
    from territoria.extraction import pipeline
    from territoria.library.models import Document
    from territoria.library.services import Item, ingest_many

    texts = [
        "# Plan de travail 2023\n\n## 1. Finances locales\n\n- ACTION CENTRALE : atelier avec CGLU et ONU-Habitat à Marrakech (Maroc) "
        "du 15 au 17 mai 2023 sur l'égalité de genre (ODD 5).\n- Jessie Post, coordinatrice du Secrétariat du Groupe de travail CIB, "
        "présentera l'étude de la Ville de Tunis.\n\n" + "La coopération décentralisée entre villes et régions soutient le climat. " * 60,
        "# Annual Meeting\n\nThe UCLG Committee on Culture meets in The Hague on 29 and 30 September 2024 with UN-Habitat and UNDP. "
        "Laura Méndez Rojas, Director of International Relations of Bogotá, will speak (SDG 11.3).\n\n" + "Local finance and housing. " * 200,
        "# Reunión anual\n\nLa Comisión de Cultura de CGLU se reúne en La Haya del 3 al 5 de marzo de 2025 con ONU-Hábitat. "
        "Marta Vidal, coordinadora de la Secretaría, presentará el plan (ODS 4, 5 y 17).\n\n" + "Migración y salud en las ciudades. " * 150,
    ]
    ids = [r.id for r in ingest_many([Item(f"t{i}.md", f"t{i}.md", f"{text}\n\nNote {i}.".encode()) for i, text in enumerate(texts * 3)], extract=False)]
    documents = list(Document.objects.filter(pk__in=ids).order_by("pk"))
    reading = pipeline.begin(documents)
    assert reading.sent, "the batch should be big enough for the worker"
    shared = reading.shared.results()
    here = [pipeline.read_document(*job) for job in reading.shared.jobs]

    def comparable(found):
        candidates, topics, errors, _ = found
        return [(c.kind, c.key, c.data, c.sources, c.document_scoped, c.document_id) for c in candidates], topics, errors

    assert [comparable(f) for f in shared] == [comparable(f) for f in here]
    assert sum(len(f[0]) for f in here) > 20 and all(f[1] for f in here)


def snapshot(document_ids):
    from territoria.extraction.models import Fact, Source, Topic

    facts = sorted((f.kind, f.key, str(sorted(f.data.items()))) for f in Fact.objects.filter(sources__document_id__in=document_ids).distinct())
    sources = sorted(Source.objects.filter(document_id__in=document_ids).values_list("fact__kind", "fact__key", "document_id", "passage_id", "start", "end"))
    topics = sorted(Topic.objects.filter(document_id__in=document_ids).values_list("passage_id", "document_id", "scheme", "code", "score", "explicit"))
    return facts, sources, topics


@pytest.mark.django_db
def test_documents_read_by_workers_before_they_are_stored_get_the_facts_of_a_plain_extraction(workers, monkeypatch):
    """At ingestion with workers ready, a document is read as soon as it is converted, its
    passages by position; once stored, its facts, sources and topics are exactly those a
    plain extraction of the stored passages gives (which re-extraction without workers checks)."""
    from territoria.extraction import pipeline
    from territoria.library.models import Document
    from territoria.library.services import Item, ingest_many

    texts = [
        "# Plan de travail 2023\n\n## 1. Finances locales\n\n- ACTION CENTRALE : atelier avec CGLU à Marrakech du 15 au 17 mai 2023.\n"
        "- Jessie Post, coordinatrice du Secrétariat du Groupe de travail CIB, présentera l'étude (ODD 5).\n\n"
        "| 09h00-09h30 | Accueil par Marta Vidal, coordinatrice |\n|---|---|\n| 09h30-10h00 | Climat et villes |\n\n",
        "# Annual Meeting\n\nThe UCLG Committee on Culture meets in The Hague on 29 and 30 September 2024 with UN-Habitat (SDG 11.3).\n\n",
    ]
    items = [Item(f"e{i}.md", f"e{i}.md", (text + f"Local finance and housing, note {i}. " * 300).encode()) for i, text in enumerate(texts * 4)]
    early, add = [], pipeline.Early.add
    monkeypatch.setattr(pipeline.Early, "add", lambda self, *args: (early.append(args[0]), add(self, *args))[1])
    results = list(ingest_many(items))
    assert all(r.status == "created" and not r.warnings for r in results) and len(early) == len(items)
    ids = [r.id for r in results]
    before = snapshot(ids)
    assert len(before[0]) > 10 and any(kind == "action" for kind, _, _ in before[0]) and any(kind == "agenda_item" for kind, _, _ in before[0])
    parallel.shutdown()
    pipeline.extract_documents(Document.objects.filter(pk__in=ids).order_by("pk"))
    assert snapshot(ids) == before


@pytest.mark.django_db
def test_territoria_ingest_of_more_than_a_batch_starts_the_workers_and_stops_them(tmp_path, monkeypatch):
    import io

    from django.core.management import call_command

    from territoria.extraction.models import Fact
    from territoria.library.models import Document

    monkeypatch.setenv("TERRITORIA_WORKERS", "1")
    parallel.shutdown()
    started, start = [], parallel.start
    monkeypatch.setattr(parallel, "start", lambda *args, **kwargs: (started.append(args), start(*args, **kwargs))[1])
    for i in range(60):
        (tmp_path / f"n{i}.md").write_text(f"# Note {i}\n\nCGLU et ONU-Habitat à Marrakech le {i % 28 + 1} mai 2023, note {i}.\n")
    call_command("ingest", str(tmp_path), stdout=io.StringIO())
    assert started and parallel._pool is None  # started for more than one batch, stopped at the end
    assert Document.objects.count() == 60 and Fact.objects.filter(kind="organisation").count() == 2
    started.clear()
    call_command("ingest", str(tmp_path / "n1.md"), stdout=io.StringIO())
    assert not started  # one file: read here, no workers to wait for


def test_a_wrong_number_of_workers_is_named(monkeypatch):
    monkeypatch.setenv("TERRITORIA_WORKERS", "two")
    with pytest.raises(ValueError, match="TERRITORIA_WORKERS must be a whole number"):
        parallel.workers()
    monkeypatch.setenv("TERRITORIA_WORKERS", "0")
    assert parallel.workers() == 0 and not parallel.start()
