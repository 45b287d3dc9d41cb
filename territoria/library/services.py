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

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from territoria.core.sql import select, table
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


def ingest_bytes(name: str, data: bytes, key: str, user=None, visibility=Visibility.PUBLIC) -> IngestResult:
    """Store one file under `key` (its identity: a path or an upload name)."""
    result = IngestResult(path=key)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = _unchanged(key, sha256) if data else None
    if existing:
        return _describe(result, existing, "unchanged")
    conv = convert(name, data, sha256=sha256)
    if conv.status == "failure":
        result.error = f"{name}: {'; '.join(conv.errors)}"
        return result
    try:
        document, status = _store(conv, key, user, visibility)
    except Exception as problem:  # the database refused: report it, keep the batch going
        logger.exception("storing %s failed", key)
        result.error = f"{name}: could not be stored ({type(problem).__name__}: {problem})"
        return result
    result.warnings = conv.errors + _extract(document)
    return _describe(result, document, status)


def _extract(document: Document) -> list[str]:
    """Facts are extracted at ingestion; a failing extractor is a warning, not a failure."""
    from territoria.extraction.pipeline import extract_document

    try:
        return [f"extraction: {e}" for e in extract_document(document).errors]
    except Exception as problem:
        logger.exception("extraction of %s failed", document.pk)
        return [f"extraction failed ({type(problem).__name__}: {problem})"]


def ingest_path(path: Path, key: str | None = None) -> IngestResult:
    """Ingest one file from disk; its identity is `key`, by default its resolved path."""
    key = key or str(path.resolve())
    try:
        size = path.stat().st_size
        if size > settings.MAX_UPLOAD_BYTES:
            mb = size / 1024 / 1024
            return IngestResult(path=key, error=f"{path.name}: the file is {mb:.1f} MB, above the {settings.MAX_UPLOAD_MB} MB limit")
        data = path.read_bytes()
    except OSError as problem:
        return IngestResult(path=key, error=f"{path.name}: cannot be read ({problem.strerror})")
    return ingest_bytes(path.name, data, key)


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


def _unchanged(key: str, sha256: str) -> Document | None:
    """The document already holding exactly this content, if any."""
    versions = list(Version.objects.filter(sha256=sha256).order_by().values_list("pk", flat=True)[:1000])
    if not versions:  # new content, the usual case: one indexed lookup, no join to plan
        return None
    holders = list(Document.objects.filter(current__in=versions).order_by("id")[:100])
    return next((d for d in holders if d.key == key), holders[0] if holders else None)


def _describe(result: IngestResult, document: Document, status: str) -> IngestResult:
    result.id, result.status = document.pk, status
    result.language, result.title = document.language, document.title
    return result


@transaction.atomic
def _store(conv: Conversion, key: str, user, visibility) -> tuple[Document, str]:
    document, created = _lock_document(conv, key, visibility)
    previous_id = document.current_id
    version = _new_version(conv, document, user, first=created)
    passages = _insert_passages(conv, version)
    document.current = version
    document.title, document.language = conv.title[:500], conv.language
    document.doc_type, document.year = conv.doc_type, conv.year
    document.updated_at = timezone.now()
    with connection.cursor() as cursor:  # one plain UPDATE: Model.save() writes every column
        cursor.execute(
            f"UPDATE {table(Document)} SET current_id = %s, title = %s, language = %s, doc_type = %s, year = %s, updated_at = %s "
            "WHERE id = %s",
            [version.pk, document.title, document.language, document.doc_type, document.year,
             connection.ops.adapt_datetimefield_value(document.updated_at), document.pk],
        )
    backend = get_backend()
    if previous_id is not None:
        backend.unindex_version(previous_id)
    backend.index(passages, document)
    return document, "created" if created else "updated"


def _lock_document(conv: Conversion, key: str, visibility) -> tuple[Document, bool]:
    """The document with this key, created if new, locked until the transaction ends so that
    two ingestions of one key make consecutive versions. A new key (the usual case) costs one
    INSERT ... ON CONFLICT DO NOTHING; get_or_create took a SELECT and a savepoint more."""
    now = timezone.now()
    fields = {"key": key, "title": conv.title[:500], "language": conv.language, "doc_type": conv.doc_type, "year": conv.year,
              "visibility": Visibility(visibility).value, "created_at": now, "updated_at": now}
    columns = ", ".join(connection.ops.quote_name(name) for name in fields)
    stamp = connection.ops.adapt_datetimefield_value(now)
    inserted = select(
        f"INSERT INTO {table(Document)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT (key) DO NOTHING RETURNING id",
        [*list(fields.values())[:-2], stamp, stamp],
    )
    if inserted:
        return Document(pk=inserted[0][0], **fields), True
    return Document.objects.select_for_update().get(key=key), False


def _new_version(conv: Conversion, document: Document, user, first: bool) -> Version:
    number = 1 if first else (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = Version(
        document=document, number=number, sha256=conv.sha256, original_name=conv.name[:255],
        format=conv.format, size=len(conv.data), pages=conv.pages, text_chars=conv.text_chars,
        status=conv.status, errors=conv.errors, timings={k: round(v, 6) for k, v in conv.timings.items()},
        uploaded_by=user,
    )
    version.file.save(f"{conv.sha256[:16]}/{Path(conv.name).name}", ContentFile(conv.data), save=False)
    version.save()
    return version


PASSAGE_COLUMNS = (  # (column, PostgreSQL type)
    ("version_id", "bigint"), ("document_id", "bigint"), ("order", "integer"), ("kind", "text"), ("level", "smallint"),
    ("number", "text"), ("section", "text"), ("section_title", "text"), ("page", "integer"), ("language", "text"), ("text", "text"),
)


def _insert_passages(conv: Conversion, version: Version) -> list[tuple[int, str, str, list[str] | None]]:
    """Store the blocks as passages in one statement (the ORM's bulk_create cost more than
    the rest of ingestion); returns (id, text, language, words) rows for the search index."""
    rows = [
        (version.pk, version.document_id, order, b.kind, min(b.level, 20), b.number, b.section, b.section_title[:500], b.page, b.language, b.text)
        for order, b in enumerate(conv.blocks)
    ]
    table, quote = Passage._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(c) for c, _ in PASSAGE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: an INSERT would quote every text into the statement
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(PASSAGE_COLUMNS))})", rows)
        cursor.execute(f"SELECT id FROM {table} WHERE version_id = %s ORDER BY {quote('order')}", [version.pk])
        ids = [pid for (pid,) in cursor.fetchall()]
    return [(pid, block.text, block.language, block.words) for pid, block in zip(ids, conv.blocks)]
