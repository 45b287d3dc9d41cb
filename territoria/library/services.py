"""Ingestion workflow: file -> pipeline -> Document/Version/Passages -> search index.

Spans several models, hence a service. Every entry point returns an IngestResult per file
and never raises for a bad file: a batch always goes on, and nothing stored is lost (a
failed file touches no existing row).
"""

import hashlib
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from territoria.core import collector
from territoria.core.sql import insert_rows, select, table
from territoria.core.text import terms
from territoria.library.models import Document, Passage, Version, Visibility
from territoria.library.pipeline import Conversion, convert
from territoria.search.backends import get_backend

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    path: str
    id: int | None = None
    status: str = "failed"  # created | unchanged | updated | failed
    language: str | None = None
    title: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


BATCH_FILES = 50  # files ingest_many stores in one transaction...
BATCH_BYTES = 20_000_000  # ...or fewer, when they add up to this size


@dataclass
class Item:
    """One file on its way through ingest_many."""

    name: str
    key: str
    data: bytes = b""
    result: IngestResult = None  # type: ignore[assignment]
    sha256: str = ""
    conv: Conversion | None = None
    document: Document | None = None
    created: bool = False
    analysis: dict[int, tuple[list[str], list[str]]] | None = None  # passage id -> (words, stems) as ingestion found them: extraction reuses them
    passages: list["StoredPassage"] | None = None  # its passages as they are stored, when extraction's workers read them first
    passage_ids: list[int] | None = None  # their ids, in order, once stored

    def __post_init__(self):
        self.result = self.result or IngestResult(path=self.key)
        self.sha256 = self.sha256 or hashlib.sha256(self.data).hexdigest()


def ingest_bytes(name: str, data: bytes, key: str, user=None, visibility=Visibility.PUBLIC, extract: bool = True) -> IngestResult:
    """Store one file under `key` (its identity: a path or an upload name)."""
    return next(ingest_many([Item(name, key, data)], user, visibility, extract))


def ingest_many(items, user=None, visibility=Visibility.PUBLIC, extract: bool = True):
    """Ingest `Item`s, yielding one IngestResult each, in order. Files are stored up to
    BATCH_FILES in one transaction (a new document then costs a share of a few statements
    instead of ten round trips of its own); a batch the database refuses is stored again file
    by file, so one bad file never sinks the others. A batch never holds one key or one
    content twice: the second is stored, or found unchanged, after the first.

    When extraction's worker processes are running (`territoria ingest` of many files starts
    them), they read a batch's facts while this process converts and stores the next batch;
    the facts are then stored, batch after batch in order, and the batch's results yielded."""
    waiting = None  # (batch, its extraction) that the workers are still reading
    for batch in _batches(items):
        extraction = _begin_batch(batch, user, visibility, extract)
        if waiting is not None:
            yield from _end_batch(*waiting)
            waiting = None
        if extraction is not None and extraction.sent:
            waiting = (batch, extraction)
        else:
            yield from _end_batch(batch, extraction)
    if waiting is not None:
        yield from _end_batch(*waiting)


def _batches(items):
    batch: list[Item] = []
    size, keys, hashes = 0, set(), set()
    for item in items:
        repeated = item.key in keys or (item.sha256 in hashes and not item.result.error)
        if batch and (repeated or len(batch) >= BATCH_FILES or size + len(item.data) > BATCH_BYTES):
            yield batch
            batch, size, keys, hashes = [], 0, set(), set()
        batch.append(item)
        size += len(item.data)
        keys.add(item.key)
        hashes.add(item.sha256)
    if batch:
        yield batch


def _begin_batch(batch: list[Item], user, visibility, extract: bool):
    """Convert and store a batch, and begin extracting its facts (the Extraction, or None).
    With extraction's workers ready, each document is handed to them as soon as it is
    converted, to be read while the rest of the batch is converted and stored."""
    from territoria.extraction.pipeline import Early

    with collector.paused():
        early = Early.if_workers() if extract else None
        todo = [item for item in batch if not item.result.error]
        holders = _unchanged(todo)
        for item in todo:
            existing = holders.get((item.key, item.sha256)) if item.data else None
            if existing:
                _describe(item.result, existing, "unchanged")
                continue
            item.conv = convert(item.name, item.data, sha256=item.sha256)
            if item.conv.status == "failure":
                item.result.error = f"{item.name}: {'; '.join(item.conv.errors)}"
            elif early is not None:
                item.passages = _passages_of(item.conv)
                early.add(id(item), item.conv.title[:500], item.conv.doc_type, item.conv.year, item.passages)
        ready = [item for item in todo if item.conv and item.conv.status != "failure"]
        if ready:
            _store_or_split(ready, user, visibility)
        stored = _stored(batch)
        if not (extract and stored):
            return None
        if early is not None:
            return Extraction([item.document for item in stored], early=early, keys=[id(item) for item in stored],
                              passage_ids=[item.passage_ids for item in stored])
        analysis = {pid: found for item in stored for pid, found in (item.analysis or {}).items()}
        return Extraction([item.document for item in stored], analysis)


def _end_batch(batch: list[Item], extraction):
    """Store the batch's facts, and yield its results."""
    with collector.paused():
        warnings = extraction.finish() if extraction is not None else {}
        for item in _stored(batch):
            item.result.warnings = item.conv.errors + warnings.get(item.document.pk, [])
            _describe(item.result, item.document, "created" if item.created else "updated")
    for item in batch:
        item.data, item.conv, item.analysis, item.passages = b"", None, None, None  # a batch's files and passages need not outlive it
        yield item.result


def _stored(batch: list[Item]) -> list[Item]:
    return [item for item in batch if item.document is not None and not item.result.error]


def _store_or_split(items: list[Item], user, visibility) -> None:
    """Store the items together; if the database refuses, each one alone, and a file it still
    refuses gets an error saying why."""
    try:
        _store(items, user, visibility)
    except Exception as problem:
        if len(items) > 1:
            for item in items:
                _store_or_split([item], user, visibility)
            return
        logger.exception("storing %s failed", items[0].key)
        items[0].document = None
        items[0].result.error = f"{items[0].name}: could not be stored ({type(problem).__name__}: {problem})"


class Extraction:
    """Facts extracted at ingestion, a batch at a time, from the words and stems the language
    stage and the index found: begun when the batch is stored (its reading handed to the
    workers, if any), finished when its facts are stored. A failing extractor is a warning, not
    a failure."""

    def __init__(self, documents: list[Document], analysis: dict[int, tuple[list[str], list[str]]] | None = None,
                 early=None, keys: list | None = None, passage_ids: list[list[int]] | None = None):
        from territoria.extraction import pipeline

        self.documents, self.reading, self.problem = documents, None, None
        try:
            self.reading = early.begin(documents, keys, passage_ids) if early is not None else pipeline.begin(documents, analysis)
        except Exception as problem:
            logger.exception("extraction of %s failed", [d.pk for d in documents])
            self.problem = problem

    @property
    def sent(self) -> bool:
        return self.reading is not None and self.reading.sent

    def finish(self) -> dict[int, list[str]]:
        """Document id -> its warnings."""
        from territoria.extraction import pipeline

        if self.problem is None:
            try:
                return {d.pk: [f"extraction: {e}" for e in run.errors] for d, run in zip(self.documents, pipeline.finish(self.reading))}
            except Exception as problem:
                logger.exception("extraction of %s failed", [d.pk for d in self.documents])
                self.problem = problem
        return {d.pk: [f"extraction failed ({type(self.problem).__name__}: {self.problem})"] for d in self.documents}


def ingest_path(path: Path, key: str | None = None) -> IngestResult:
    """Ingest one file from disk; its identity is `key`, by default its resolved path."""
    return next(ingest_many([read_item(path, key)]))


def ingest_paths(paths, key=None, extract: bool = True):
    """Ingest files from disk in batches (see ingest_many), yielding a result per file in
    order; `key(path)` gives a file's identity, by default its resolved path."""
    return ingest_many((read_item(path, key(path) if key else None) for path in paths), extract=extract)


def read_item(path: Path, key: str | None = None) -> Item:
    """A file from disk ready for ingest_many: read, or failed with a message saying why."""
    key = key or str(path.resolve())
    try:
        size = path.stat().st_size
        if size > settings.MAX_UPLOAD_BYTES:
            mb = size / 1024 / 1024
            error = f"{path.name}: the file is {mb:.1f} MB, above the {settings.MAX_UPLOAD_MB} MB limit"
            return Item(path.name, key, result=IngestResult(path=key, error=error))
        return Item(path.name, key, path.read_bytes())
    except OSError as problem:
        return Item(path.name, key, result=IngestResult(path=key, error=f"{path.name}: cannot be read ({problem.strerror})"))


def expand_paths(paths) -> list[Path]:
    """Files as given, folders walked recursively (hidden entries skipped), sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
        else:
            files.append(path)
    return files


def _unchanged(items: list[Item]) -> dict[tuple[str, str], Document]:
    """(key, sha256) -> the document already holding exactly that content (the one with that
    key if several do), for the items whose content is stored."""
    hashes = sorted({item.sha256 for item in items if item.data})
    if not hashes:
        return {}
    marks = ", ".join(["%s"] * len(hashes))
    known = {sha for (sha,) in select(f"SELECT DISTINCT sha256 FROM {table(Version)} WHERE sha256 IN ({marks})", hashes)}
    if not known:  # new content, the usual case: one indexed lookup, no join to plan
        return {}
    holders: dict[str, list[Document]] = {}
    for document in Document.objects.filter(current__sha256__in=known).select_related("current").order_by("id"):
        holders.setdefault(document.current.sha256, []).append(document)
    found = {}
    for item in items:
        candidates = holders.get(item.sha256)
        if candidates:
            found[(item.key, item.sha256)] = next((d for d in candidates if d.key == item.key), candidates[0])
    return found


def _describe(result: IngestResult, document: Document, status: str) -> IngestResult:
    result.id, result.status = document.pk, status
    result.language, result.title = document.language, document.title
    return result


@transaction.atomic
def _store(items: list[Item], user, visibility) -> None:
    """Store converted files in one transaction: their documents (created or locked), a new
    version each with its original file, their passages, and the search index. A failure
    leaves every stored row as it was."""
    _lock_documents(items, visibility)
    previous = [item.document.current_id for item in items if item.document.current_id]
    versions = _new_versions(items, user)
    passages = _insert_passages(items, versions)
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    rows = []
    for item, version in zip(items, versions):
        document, conv = item.document, item.conv
        document.current = version
        document.title, document.language = conv.title[:500], conv.language
        document.doc_type, document.year, document.updated_at = conv.doc_type, conv.year, now
        rows.append((version.pk, document.title, document.language, document.doc_type, document.year, stamp, document.pk))
    with connection.cursor() as cursor:  # plain UPDATEs: Model.save() writes every column
        cursor.executemany(
            f"UPDATE {table(Document)} SET current_id = %s, title = %s, language = %s, doc_type = %s, year = %s, updated_at = %s "
            "WHERE id = %s", rows,
        )
    backend = get_backend()
    for version_id in previous:
        backend.unindex_version(version_id)
    backend.index_documents([(passages[version.pk], item.document) for item, version in zip(items, versions)])
    for item, version in zip(items, versions):
        item.analysis = {pid: (block.words, stems) for (pid, _, _, stems), block in zip(passages[version.pk], item.conv.blocks)}
        item.passage_ids = [pid for pid, _, _, _ in passages[version.pk]]


def _lock_documents(items: list[Item], visibility) -> None:
    """Each item's document, created if its key is new, locked until the transaction ends so
    that two ingestions of one key make consecutive versions. New keys (the usual case) cost
    one INSERT ... ON CONFLICT DO NOTHING for the whole batch."""
    now = timezone.now()
    stamp, visibility = connection.ops.adapt_datetimefield_value(now), Visibility(visibility).value
    names = ("key", "title", "language", "doc_type", "year", "visibility", "created_at", "updated_at")
    values = {item.key: (item.key, item.conv.title[:500], item.conv.language, item.conv.doc_type, item.conv.year, visibility)
              for item in items}
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    keys = sorted(values)  # rows locked in key order, so two batches sharing keys cannot deadlock
    created = {}
    for i in range(0, len(keys), 100):  # 8 parameters a row: within SQLite's cap of 999
        chunk = [values[key] + (stamp, stamp) for key in keys[i : i + 100]]
        marks = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(chunk))
        sql = f"INSERT INTO {table(Document)} ({columns}) VALUES {marks} ON CONFLICT (key) DO NOTHING RETURNING id, key"
        created.update({key: pk for pk, key in select(sql, [value for row in chunk for value in row])})
    existing = {}
    if len(created) < len(items):
        others = [item.key for item in items if item.key not in created]
        existing = {d.key: d for d in Document.objects.select_for_update().filter(key__in=others).order_by("key")}
    for item in items:
        item.created = item.key in created
        if item.created:
            item.document = Document(pk=created[item.key], **dict(zip(names, values[item.key] + (now, now))))
        else:
            item.document = existing[item.key]


def _new_versions(items: list[Item], user) -> list[Version]:
    """A version per item, numbered after its document's last one, with its original file."""
    updated = [item.document.pk for item in items if not item.created]
    last = dict(Version.objects.filter(document__in=updated).values("document").annotate(n=Max("number")).values_list("document", "n")) \
        if updated else {}
    versions = []
    for item in items:
        conv = item.conv
        version = Version(
            document=item.document, number=last.get(item.document.pk, 0) + 1, sha256=conv.sha256, original_name=conv.name[:255],
            format=conv.format, size=len(conv.data), pages=conv.pages, text_chars=conv.text_chars,
            status=conv.status, errors=conv.errors, timings={k: round(v, 6) for k, v in conv.timings.items()},
            uploaded_by=user,
        )
        # One folder a month; the name starts with the content's hash (a folder per file cost a mkdir each).
        version.file.save(f"{conv.sha256[:16]}-{Path(conv.name).name}", ContentFile(conv.data), save=False)
        versions.append(version)
    return Version.objects.bulk_create(versions)


PASSAGE_COLUMNS = ("version_id", "document_id", "order", "kind", "level", "number", "section", "section_title", "page", "language", "text")


class StoredPassage(NamedTuple):
    """A block as its passage row stores it: PASSAGE_COLUMNS after the version and the document."""

    order: int
    kind: str
    level: int
    number: str
    section: str
    section_title: str
    page: int | None
    language: str
    text: str


def _passages_of(conv: Conversion) -> list[StoredPassage]:
    return [StoredPassage(order, b.kind, min(b.level, 20), b.number, b.section, b.section_title[:500], b.page, b.language, b.text)
            for order, b in enumerate(conv.blocks)]


def _insert_passages(items: list[Item], versions: list[Version]) -> dict[int, list[tuple]]:
    """Store the blocks as passages with `core.sql.insert_rows` (the ORM's bulk_create cost more
    than the rest of ingestion); returns, per version id, (id, text, language, stems) rows for
    the search index."""
    rows = [(version.pk, version.document_id, *passage) for item, version in zip(items, versions) for passage in item.passages or _passages_of(item.conv)]
    insert_rows(Passage, PASSAGE_COLUMNS, rows)
    ids: dict[int, list[int]] = {version.pk: [] for version in versions}
    for pid, version_id in select(f"SELECT id, version_id FROM {table(Passage)} WHERE version_id IN ({', '.join(['%s'] * len(ids))}) "
                                  f"ORDER BY version_id, {connection.ops.quote_name('order')}", list(ids)):
        ids[version_id].append(pid)
    return {version.pk: [(pid, b.text, b.language, terms(b.text, b.language, b.words)) for pid, b in zip(ids[version.pk], item.conv.blocks)]
            for item, version in zip(items, versions)}
