"""The extraction pipeline: small extractors run over a document's current passages.

Each extractor is a function `extract(context) -> list[Candidate]` listed in EXTRACTORS.
Candidates are reconciled with stored facts by key (`reconcile_batch`): new facts are created,
facts nobody reviewed are refreshed, and reviewed facts (confirmed, corrected, rejected,
merged) keep what the person decided. Sources are rebuilt on every run.
"""

import gc
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from territoria.core import collector, parallel
from territoria.core.sql import insert_objects, insert_returning, insert_rows, next_ids, select as _select, table as _table
from territoria.core.text import terms, words as split_words
from territoria.extraction import gazetteer
from territoria.extraction.matcher import Tokens, tokens
from territoria.extraction.models import Fact, Run, Source, State, Topic
from territoria.library.models import Passage

logger = logging.getLogger(__name__)

EXTRACTORS = [
    ("actions", "territoria.extraction.extractors.actions.extract"),
    ("agenda", "territoria.extraction.extractors.agenda.extract"),
    ("organisations", "territoria.extraction.extractors.organisations.extract"),
    ("people", "territoria.extraction.extractors.people.extract"),
    ("places", "territoria.extraction.extractors.places.extract"),
    ("events", "territoria.extraction.extractors.events.extract"),
    ("topics", "territoria.extraction.extractors.topics.extract"),
]
# What follows the facts once they are stored: each takes a batch of documents and brings its app in step.
FOLLOWERS = [
    ("directory", "territoria.directory.services.sync_documents"),  # organisation and person records
    ("calendar", "territoria.events.services.sync_documents"),  # events from event facts
]
BATCH = 50  # documents extract_all stores in one transaction
MAX_PASSAGE_CHARS = 20_000  # longer passages are read up to here: bounded time on hostile text


class PassageRow(NamedTuple):
    """What the extractors read of a passage: a plain row, ~10x cheaper to load than a model instance."""

    pk: int
    order: int
    kind: str
    section: str
    section_title: str
    language: str
    text: str


def load_passages_of(documents) -> dict[int, "PassageRows"]:
    """Current version id -> its passages as plain rows, in order, for a batch of documents."""
    versions = [d.current_id for d in documents if d.current_id]
    found: dict[int, list[PassageRow]] = {v: PassageRows() for v in versions}
    if not versions:
        return found
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("version_id", "id", "order", "kind", "section", "section_title", "language", "text"))
    rows = _select(f"SELECT {columns} FROM {_table(Passage)} WHERE version_id IN ({', '.join(['%s'] * len(versions))}) "
                   f"ORDER BY version_id, {quote('order')}", versions)
    for version_id, *row in rows:
        found[version_id].append(PassageRow._make(row))
    return found


@dataclass
class Candidate:
    kind: str
    key: str
    data: dict
    sources: list[tuple[object, int, int]] = field(default_factory=list)  # (passage, start, end); the passage's id once read
    document_scoped: bool = False
    document_id: int | None = None  # set by the pipeline: the document the candidate was read in


class Context:
    """A document's passages with per-passage work shared by the extractors."""

    def __init__(self, document, passages, analysis: dict[int, tuple[list[str], list[str]]] | None = None):
        self.document = document
        self.passages = passages
        self._analysis = analysis or {}  # passage id -> (words, stems) as ingestion found them
        self.topics: list[tuple] = []  # (passage id, scheme, code, score, explicit)
        self._people: dict[int, list] = {}
        self._words: dict[int, set[str]] = {}
        self._starts: dict[int, list[int]] = {}
        self._organisations: dict[int, list] = {}
        self._own_words: dict[int, list[str]] = {}  # words found here, for passages ingestion gave none

    def text(self, passage) -> str:
        return passage.text[:MAX_PASSAGE_CHARS]

    @cached_property
    def _tokens(self) -> dict[int, Tokens]:
        return {p.pk: tokens(self.text(p), self._found(p, 0)) for p in self.passages}

    def tokens(self, passage):
        return self._tokens[passage.pk]

    def organisations(self, passage) -> list:
        """The gazetteer's organisations a passage names (matcher Matches), found once for the
        organisations and actions extractors."""
        if passage.pk not in self._organisations:
            self._organisations[passage.pk] = gazetteer.organisations()[1].find(self.text(passage), self.tokens(passage), self.name_starts(passage))
        return self._organisations[passage.pk]

    def name_starts(self, passage) -> list[int]:
        """Positions of the passage's words that may start an organisation, city or country name."""
        if passage.pk not in self._starts:
            first = gazetteer.first_words()
            self._starts[passage.pk] = [i for i, word in enumerate(self.tokens(passage).words) if word in first]
        return self._starts[passage.pk]

    def words(self, passage) -> set[str]:
        """The passage's accent-free lower-case words, for the extractors' cheap "any hope here?" tests."""
        if passage.pk not in self._words:
            self._words[passage.pk] = set(self.tokens(passage).words)
        return self._words[passage.pk]

    def stems(self, passage) -> list[str]:
        """The passage's stems (`core.text.terms`): those ingestion just indexed, else computed."""
        found = self._found(passage, 1)
        return terms(self.text(passage), passage.language, self._found(passage, 0)) if found is None else found

    def _found(self, passage, which: int):
        """Ingestion's words (0) or stems (1) of a passage, if it has them for the text read here;
        words are otherwise found once here, for the tokens and the stems both."""
        found = self._analysis.get(passage.pk)
        if found is not None and found[which] is not None and len(passage.text) <= MAX_PASSAGE_CHARS:
            return found[which]
        if which == 1:
            return None
        if passage.pk not in self._own_words:
            self._own_words[passage.pk] = split_words(self.text(passage))
        return self._own_words[passage.pk]

    def people(self, passage) -> list:
        """People named in a passage, found once for the people and places extractors."""
        if passage.pk not in self._people:
            from territoria.extraction.extractors.people import people_in

            self._people[passage.pk] = people_in(self.text(passage), self.words(passage))
        return self._people[passage.pk]


def extract_document(document) -> Run:
    """Run every extractor on the current version and store the result (see extract_documents)."""
    return extract_documents([document])[0]


def extract_all(documents, batch: int = BATCH):
    """extract_documents over any number of documents, BATCH at a time; yields (document, run).
    With worker processes, the next batch is handed to them before this one's facts are
    stored, so that they read it meanwhile."""
    documents = list(documents)
    chunks = [documents[i : i + batch] for i in range(0, len(documents), batch)]
    reading = None
    for i, chunk in enumerate(chunks):
        with collector.paused():
            reading = reading or begin(chunk)
            following = begin(chunks[i + 1]) if reading.sent and i + 1 < len(chunks) else None
            runs = finish(reading)
        reading = following
        yield from zip(chunk, runs)


_prepared = False


def prepare() -> None:
    """Load what the extractors share for the life of the process (gazetteers, keyword tries,
    the language model), then move every object alive to the collector's permanent
    generation: ~120,000 long-lived dicts and lists made each full collection a ~70 ms pause
    in the middle of some document's extraction. Once per process."""
    global _prepared
    if _prepared:
        return
    from territoria.core import lang
    from territoria.extraction import topics

    gazetteer.organisations(), gazetteer.cities(), gazetteer.countries(), gazetteer.first_words(), topics.joint_lexicon(), lang._identifier()
    gc.collect()
    gc.freeze()
    _prepared = True


WARM_UP = ("Réunion annuelle du Groupe de travail CIB à Marrakech (Maroc) du 15 au 17 mai 2023, avec CGLU et ONU-Habitat. "
           "Jessie Post, coordinatrice du Secrétariat. ACTION CENTRALE : égalité de genre (ODD 5) ; 16H15-17H00 (CET) : clôture.")


def start(wait: bool = False) -> None:
    """Start extraction's worker processes (core.parallel), for a long run: they load what they
    need in the background (`wait`: return once they have)."""
    parallel.start("territoria.extraction.pipeline.worker_setup", wait)


def stop() -> None:
    """Stop extraction's worker processes (at the end of a command)."""
    parallel.stop()


def worker_setup() -> None:
    """A worker's first steps: load what the extractors share, then read a short text, as the
    first document of a run would have it do (empty caches, first calls)."""
    prepare()
    read_document(DocumentInfo(0, "warm-up", "agenda", 2023), [PassageRow(0, 0, "paragraph", "1", "", "fr", WARM_UP)])


def extract_documents(documents, analysis: dict[int, tuple[list[str], list[str]]] | None = None) -> list[Run]:
    """Run every extractor on each document's current version and store the results: a Run per
    document, in order.

    A batch's facts, the followers' work and the runs are stored in one transaction (one commit
    and a few statements for the whole batch, not a dozen round trips per document); each
    follower runs in a savepoint, so a failing one is undone alone and the facts stay. A batch
    the database refuses is stored again document by document. The store's and followers' time
    is shared evenly among the batch's runs. `analysis`: passage id -> (words, stems), when the
    caller (ingestion) has them."""
    with collector.paused():
        return finish(begin(list(documents), analysis))


@dataclass
class Reading:
    """A batch of documents whose passages the extractors are reading (see begin)."""

    documents: list
    numbers: dict[int, int]
    passage_ids: list[list[int] | None]  # per document: its passages' ids by position, when they were read before being stored (else None)
    shared: parallel.Shared
    wanted: list[int] | None = None  # the shared jobs that are these documents' (None: all, in order)

    @property
    def sent(self) -> bool:
        """Whether worker processes are reading it meanwhile."""
        return self.shared.sent


def begin(documents: list, analysis: dict[int, tuple[list[str], list[str]]] | None = None) -> Reading:
    """Load a batch's passages and hand their reading to the worker processes, if started; the
    caller may do other work (convert the next batch) before `finish`."""
    prepare()
    passages, numbers = load_passages_of(documents), _version_numbers(documents)
    analysis = analysis or {}
    jobs, weights = [], []
    for document in documents:
        rows = passages.get(document.current_id, PassageRows())
        jobs.append((DocumentInfo.of(document), rows, Analysis({p.pk: analysis[p.pk] for p in rows if p.pk in analysis})))
        weights.append(sum(len(p.text) for p in rows))
    return Reading(documents, numbers, [None] * len(documents), parallel.submit(read_document, jobs, weights))


class Early:
    """Documents handed to the worker processes as soon as ingestion has converted them, before
    they are stored: each passage goes by its position (the pipeline gives the stored ids
    later, see `_place`) and the document without an id. Only when workers are ready (else
    ingestion extracts after storing, with `begin`)."""

    def __init__(self):
        prepare()
        self.shared = parallel.Shared(read_document)
        self.positions: dict[object, int] = {}  # the caller's key -> its job

    @classmethod
    def if_workers(cls) -> "Early | None":
        return cls() if parallel.ready() else None

    def add(self, key, title: str, doc_type: str, year: int | None, passages: list) -> None:
        """A converted document, its passages as they will be stored (library.services.StoredPassage)."""
        self.positions[key] = len(self.shared.jobs)
        rows = PassageRows(PassageRow(p.order, p.order, p.kind, p.section, p.section_title, p.language, p.text) for p in passages)
        self.shared.add([(DocumentInfo(None, title, doc_type, year), rows, None)])

    def begin(self, documents: list, keys: list, passage_ids: list[list[int]]) -> Reading:
        """The Reading of the documents once stored (`keys` as given to `add`; their passages'
        ids in order); the others' reading is dropped."""
        return Reading(documents, _version_numbers(documents), passage_ids, self.shared, [self.positions[key] for key in keys])


def finish(reading: Reading) -> list[Run]:
    """Read what no worker took (all of it, without workers), then store the facts."""
    found = reading.shared.results(reading.wanted)
    if reading.wanted is not None:  # results come in job order: back to the documents' order
        by_job = dict(zip(sorted(reading.wanted), found))
        found = [by_job[job] for job in reading.wanted]
    work = [_Work(document, reading.numbers.get(document.pk, 0), *_place(read, document.pk, ids))
            for document, read, ids in zip(reading.documents, found, reading.passage_ids)]
    try:
        return _store_batch(work)
    except Exception:
        if len(work) == 1:
            raise
    return [_store_alone(one) for one in work]


def _place(found: tuple, document_id: int, passage_ids: list[int] | None) -> tuple:
    """A document's reading placed in the database: its candidates and topics given the
    document's id (the key of a document-scoped fact starts with it) and, for a document read
    before it was stored, their passages' ids for positions. Returns (passage ids, candidates,
    topics, errors, timings)."""
    candidates, topics, errors, timings = found
    for candidate in candidates:
        candidate.document_id = document_id
        if passage_ids is not None:
            candidate.sources = [(passage_ids[position], start, end) for position, start, end in candidate.sources]
        if candidate.document_scoped:
            candidate.key = f"{document_id}:{candidate.key}"
            candidate.data = {"document_id": document_id, **candidate.data}
    ids = (lambda p: passage_ids[p]) if passage_ids is not None else (lambda p: p)
    topics = [(ids(passage), document_id, *rest) for passage, *rest in topics]
    return {pid for c in candidates for pid, _, _ in c.sources}, candidates, topics, errors, timings


def _store_alone(work: "_Work") -> Run:
    """One document of a batch the database refused: stored on its own, else a failed run
    that says why (its facts as they were before)."""
    try:
        return _store_batch([work])[0]
    except Exception as problem:
        logger.exception("storing the facts of document %s failed", work.document.pk)
        return Run.objects.create(document=work.document, version_number=work.version_number, status="failure", timings=work.timings,
                                  errors=[*work.errors, f"store: {type(problem).__name__}: {str(problem)[:200]}"])


class Analysis(dict):
    """Passage id -> (words, stems) as ingestion found them. A worker process is sent the stems
    only: they pickle cheaply (the same few thousand stem strings, each sent once), while the
    words, a new string each, cost more to pickle than to find again."""

    def __reduce__(self):
        return Analysis, ({pk: (None, stems) for pk, (_, stems) in self.items()},)


class PassageRows(list):
    """A document's PassageRows, which travel to a worker as plain tuples: a named tuple
    pickles 4x slower."""

    def __reduce__(self):
        return _passage_rows, ([tuple(row) for row in self],)


def _passage_rows(rows: list[tuple]) -> PassageRows:
    return PassageRows(map(PassageRow._make, rows))


class Candidates(list):
    """A document's candidates, which travel back from a worker as plain tuples (a dataclass
    instance pickles 3x slower)."""

    def __reduce__(self):
        return _candidates, ([(c.kind, c.key, c.data, c.sources, c.document_scoped, c.document_id) for c in self],)


def _candidates(rows: list[tuple]) -> Candidates:
    return Candidates(Candidate(*row) for row in rows)


class DocumentInfo(NamedTuple):
    """What the extractors read of a document (all a worker process is sent)."""

    pk: int
    title: str
    doc_type: str
    year: int | None

    @classmethod
    def of(cls, document) -> "DocumentInfo":
        return cls(document.pk, document.title, document.doc_type, document.year)


@dataclass
class _Work:
    document: object
    version_number: int
    passage_ids: set[int]  # of the passages its candidates cite
    candidates: list[Candidate]
    topics: list[tuple]
    errors: list[str]
    timings: dict[str, float]


def read_document(document: DocumentInfo, passages: list[PassageRow], analysis=None) -> tuple:
    """Every extractor over a document's passages: (candidates, topic rows, errors, timings by
    extractor). Reads no database, so that it can run in a worker process (core.parallel)."""
    prepare()
    context = Context(document, passages, analysis)
    candidates, errors, timings = [], [], {}
    with collector.paused():
        for name, path in EXTRACTORS:
            started = time.perf_counter()
            try:
                candidates.extend(import_string(path)(context))
            except Exception as problem:  # one extractor failing leaves the others' facts
                errors.append(f"{name}: {type(problem).__name__}: {str(problem)[:200]}")
            timings[name] = round(time.perf_counter() - started, 6)
    candidates = Candidates(_group(candidates).values())  # one candidate an identity: less to send back and to store
    for candidate in candidates:  # sources name their passage by id (or position: see Early) from here on
        candidate.sources = [(passage.pk, start, end) for passage, start, end in candidate.sources]
    return candidates, context.topics, errors, timings


def _store_batch(work: list[_Work]) -> list[Run]:
    share = 1 / len(work)
    with transaction.atomic():
        started = time.perf_counter()
        counts = reconcile_batch(work)
        stored = round((time.perf_counter() - started) * share, 6)
        documents = [w.document for w in work]
        follower_errors, follower_timings = [], {}
        for name, path in FOLLOWERS:
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    import_string(path)(documents)
            except Exception as problem:  # a failing follower leaves the facts and the others' work
                follower_errors.append(f"{name}: {type(problem).__name__}: {str(problem)[:200]}")
            follower_timings[name] = round((time.perf_counter() - started) * share, 6)
        runs = []
        for w, document_counts in zip(work, counts):
            errors = w.errors + follower_errors
            runs.append(Run(document=w.document, version_number=w.version_number,
                            status="partial" if errors else "success", errors=errors,
                            timings={**w.timings, "store": stored, **follower_timings}, counts=document_counts))
        return insert_objects(runs)


def _group(candidates: list[Candidate]) -> dict[tuple[str, str], Candidate]:
    """Candidates with the same identity become one, with all their sources."""
    grouped: dict[tuple[str, str], Candidate] = {}
    for candidate in candidates:
        existing = grouped.get((candidate.kind, candidate.key))
        if existing is None:
            grouped[(candidate.kind, candidate.key)] = candidate
        else:
            existing.sources.extend(candidate.sources)
            if candidate.data is not existing.data:  # a gazetteer's mentions share one record
                existing.data = merge_data(existing.data, candidate.data)
    return grouped


def _version_numbers(documents) -> dict[int, int]:
    """Document id -> its current version's number (0 for none): read from the loaded version
    (ingestion's documents hold theirs), else one query for all the others."""
    from territoria.library.models import Document, Version

    loaded = Document.current.is_cached
    numbers = {d.pk: d.current.number if d.current else 0 for d in documents if loaded(d) or not d.current_id}
    missing = {d.current_id: d.pk for d in documents if d.pk not in numbers}
    for version_id, number in Version.objects.filter(pk__in=missing).values_list("pk", "number") if missing else ():
        numbers[missing[version_id]] = number
    return numbers


def _group_batch(groups: list[dict[tuple[str, str], Candidate]]) -> dict[tuple[str, str], Candidate]:
    """Each document's grouped candidates folded in order, a later document's values first, as
    if the documents had been stored one after the other (reconciling with a stored fact keeps
    the new candidate's values and fills its gaps from the fact)."""
    if len(groups) == 1:
        return groups[0]
    folded: dict[tuple[str, str], Candidate] = {}
    for grouped in groups:
        for ident, candidate in grouped.items():
            earlier = folded.get(ident)
            if earlier is not None:
                candidate.sources = earlier.sources + candidate.sources
                candidate.data = merge_data(candidate.data, earlier.data)
            folded[ident] = candidate
    return folded


def merge_data(old: dict, new: dict) -> dict:
    """Keep known values, fill gaps, union alias lists."""
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = list(dict.fromkeys(merged[key] + value))
        elif merged.get(key) in (None, "", []):
            merged[key] = value
    return merged


@transaction.atomic(savepoint=False)  # within extract_documents' transaction, a savepoint would be two more round trips
def reconcile_batch(work: list[_Work]) -> list[dict]:
    """Store a batch of documents' candidates in a handful of plain statements, whatever their
    number; returns each document's counts of facts by kind."""
    previous = _clear([w.document.pk for w in work])
    insert_rows(Topic, ("passage_id", "document_id", "scheme", "code", "score", "explicit"), [row for w in work for row in w.topics])
    grouped = _group_batch([{(c.kind, c.key): c for c in w.candidates} for w in work])  # one candidate an identity (read_document)
    facts = _facts_for(grouped)
    document_of = {pid: w.document.pk for w in work for pid in w.passage_ids}
    insert_rows(Source, ("fact_id", "document_id", "passage_id", "start", "end"),
            [(facts[ident], document_of[pid], pid, s, e) for ident, c in grouped.items() for pid, s, e in c.sources])
    _forget_orphans(previous)
    return [dict(Counter(c.kind for c in w.candidates)) for w in work]


def _clear(document_ids: list[int]) -> set[int]:
    """Delete the documents' sources and topics; the ids of the facts those sources supported."""
    sources, topics = _table(Source), _table(Topic)
    where = f"document_id IN ({', '.join(['%s'] * len(document_ids))})"
    if connection.vendor == "postgresql":  # one round trip
        sql = f"WITH topics AS (DELETE FROM {topics} WHERE {where}) DELETE FROM {sources} WHERE {where} RETURNING fact_id"
        return {row[0] for row in _select(sql, [*document_ids, *document_ids])}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {topics} WHERE {where}", document_ids)
    return {row[0] for row in _select(f"DELETE FROM {sources} WHERE {where} RETURNING fact_id", document_ids)}


def _existing(grouped: dict) -> dict[tuple[str, str], list]:
    """[id, state, merged_into_id, data] of the stored facts with the candidates' identities,
    a few hundred keys a query (kinds and keys both listed, so the unique index serves it)."""
    found: dict[tuple[str, str], list] = {}
    kinds, keys = sorted({kind for kind, _ in grouped}), sorted({key for _, key in grouped})
    data = Fact._meta.get_field("data")
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        sql = (f"SELECT kind, key, id, state, merged_into_id, data FROM {_table(Fact)} "
               f"WHERE kind IN ({', '.join(['%s'] * len(kinds))}) AND key IN ({', '.join(['%s'] * len(chunk))})")
        for kind, key, pk, state, merged_into, value in _select(sql, [*kinds, *chunk]):
            if (kind, key) in grouped:
                found[(kind, key)] = [pk, state, merged_into, data.from_db_value(value, None, connection)]
    return found


def _create(candidates: list[Candidate]) -> dict[tuple[str, str], int]:
    """Insert new facts: on PostgreSQL by COPY with ids drawn from the table's sequence first (a
    multi-row INSERT had psycopg quote every value into the statement); elsewhere a few hundred
    a statement, their ids read back by RETURNING."""
    if not candidates:
        return {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ("kind", "key", "data", "state", "document_id", "updated_at")
    rows = [(c.kind, c.key, json.dumps(c.data, ensure_ascii=False), State.EXTRACTED.value, c.document_id if c.document_scoped else None, now)
            for c in candidates]
    if connection.vendor == "postgresql":
        ids = next_ids(Fact, len(candidates))
        insert_rows(Fact, ("id", *columns), [(pk, *row) for pk, row in zip(ids, rows)])
        return {(c.kind, c.key): pk for pk, c in zip(ids, candidates)}
    return {(kind, key): pk for kind, key, pk in insert_returning(Fact, columns, rows, "kind, key, id")}


def _follow_merges(row: list) -> list:
    while row[2]:  # evidence goes to the fact a person merged this one into
        row = list(Fact.objects.filter(pk=row[2]).values_list("id", "state", "merged_into_id", "data")[0])
    return row


def _facts_for(grouped: dict) -> dict[tuple[str, str], int]:
    """Fact ids by identity: existing facts (refreshed unless reviewed), new ones created in bulk."""
    existing = _existing(grouped)
    ids, refreshed = _create([c for ident, c in grouped.items() if ident not in existing]), []
    for ident, row in existing.items():
        pk, state, _, data = _follow_merges(row)
        ids[ident] = pk
        if state == State.EXTRACTED:
            candidate = grouped[ident]
            fresh = candidate.data if candidate.document_scoped else merge_data(candidate.data, data)
            if fresh != data:
                refreshed.append(Fact(pk=pk, data=fresh))
    Fact.objects.bulk_update(refreshed, ["data"], batch_size=200)
    return ids


def _forget_orphans(fact_ids: set[int]) -> None:
    """Unreviewed facts this document supported and nothing supports any more disappear
    (found with one plain query; the ORM deletes them, to follow what points to them)."""
    if not fact_ids:
        return
    ids = sorted(fact_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        orphans = [row[0] for row in _select(
            f"SELECT f.id FROM {_table(Fact)} f WHERE f.id IN ({', '.join(['%s'] * len(chunk))}) AND f.state = %s "
            f"AND f.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM {_table(Source)} s WHERE s.fact_id = f.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {_table(Fact)} m WHERE m.merged_into_id = f.id)", [*chunk, State.EXTRACTED])]
        if orphans:
            Fact.objects.filter(pk__in=orphans).delete()
