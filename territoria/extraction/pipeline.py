"""The extraction pipeline: small extractors run over a document's current passages.

Each extractor is a function `extract(context) -> list[Candidate]` listed in EXTRACTORS.
Candidates are reconciled with stored facts by key (`reconcile`): new facts are created,
facts nobody reviewed are refreshed, and reviewed facts (confirmed, corrected, rejected,
merged) keep what the person decided. Sources are rebuilt on every run.
"""

import time
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.utils.module_loading import import_string

from territoria.extraction.matcher import tokens
from territoria.extraction.models import Fact, Run, Source, State, Topic

EXTRACTORS = [
    ("actions", "territoria.extraction.extractors.actions.extract"),
    ("agenda", "territoria.extraction.extractors.agenda.extract"),
    ("organisations", "territoria.extraction.extractors.organisations.extract"),
    ("people", "territoria.extraction.extractors.people.extract"),
    ("places", "territoria.extraction.extractors.places.extract"),
    ("events", "territoria.extraction.extractors.events.extract"),
    ("topics", "territoria.extraction.extractors.topics.extract"),
]
MAX_PASSAGE_CHARS = 20_000  # longer passages are read up to here: bounded time on hostile text


@dataclass
class Candidate:
    kind: str
    key: str
    data: dict
    sources: list[tuple[object, int, int]] = field(default_factory=list)  # (passage, start, end)
    document_scoped: bool = False


class Context:
    """A document's passages with per-passage work shared by the extractors."""

    def __init__(self, document, passages):
        self.document = document
        self.passages = passages
        self.topics: list[Topic] = []
        self.passage_topics: dict[int, dict] = {}

    def text(self, passage) -> str:
        return passage.text[:MAX_PASSAGE_CHARS]

    @cached_property
    def _tokens(self) -> dict[int, list]:
        return {p.pk: tokens(self.text(p)) for p in self.passages}

    def tokens(self, passage):
        return self._tokens[passage.pk]


def extract_document(document) -> Run:
    """Run every extractor on the current version and store the result."""
    passages = list(document.current.passages.order_by("order")) if document.current else []
    context = Context(document, passages)
    candidates, errors, timings = [], [], {}
    for name, path in EXTRACTORS:
        started = time.perf_counter()
        try:
            candidates.extend(import_string(path)(context))
        except Exception as problem:  # one extractor failing leaves the others' facts
            errors.append(f"{name}: {type(problem).__name__}: {str(problem)[:200]}")
        timings[name] = round(time.perf_counter() - started, 6)
    started = time.perf_counter()
    counts = reconcile(document, candidates, context.topics)
    timings["store"] = round(time.perf_counter() - started, 6)
    status = "partial" if errors else "success"
    version = document.current.number if document.current else 0
    return Run.objects.create(document=document, version_number=version, status=status, errors=errors, timings=timings, counts=counts)


def _group(candidates: list[Candidate]) -> dict[tuple[str, str], Candidate]:
    """Candidates with the same identity become one, with all their sources."""
    grouped: dict[tuple[str, str], Candidate] = {}
    for candidate in candidates:
        existing = grouped.get((candidate.kind, candidate.key))
        if existing is None:
            grouped[(candidate.kind, candidate.key)] = candidate
        else:
            existing.sources.extend(candidate.sources)
            existing.data = merge_data(existing.data, candidate.data)
    return grouped


def merge_data(old: dict, new: dict) -> dict:
    """Keep known values, fill gaps, union alias lists."""
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = list(dict.fromkeys(merged[key] + value))
        elif merged.get(key) in (None, "", []):
            merged[key] = value
    return merged


@transaction.atomic
def reconcile(document, candidates: list[Candidate], topics: list[Topic]) -> dict:
    Source.objects.filter(document=document).delete()
    Topic.objects.filter(document=document).delete()
    Topic.objects.bulk_create(topics)
    counts: dict[str, int] = {}
    sources = []
    for (kind, key), candidate in _group(candidates).items():
        fact = _fact_for(document, candidate)
        sources.extend(Source(fact=fact, document=document, passage=p, start=s, end=e) for p, s, e in candidate.sources)
        counts[kind] = counts.get(kind, 0) + 1
    Source.objects.bulk_create(sources)
    _forget_orphans(document)
    return counts


def _fact_for(document, candidate: Candidate) -> Fact:
    fact = Fact.objects.filter(kind=candidate.kind, key=candidate.key).first()
    if fact is None:
        return Fact.objects.create(kind=candidate.kind, key=candidate.key, data=candidate.data,
                                   document=document if candidate.document_scoped else None)
    while fact.merged_into_id:  # evidence goes to the fact a person merged this one into
        fact = fact.merged_into
    if fact.state == State.EXTRACTED:
        fact.data = candidate.data if candidate.document_scoped else merge_data(candidate.data, fact.data)
        fact.save(update_fields=["data", "updated_at"])
    return fact


def _forget_orphans(document) -> None:
    """Unreviewed facts that no source supports any more disappear."""
    Fact.objects.filter(state=State.EXTRACTED, merged_into=None, sources__isnull=True).exclude(merged__isnull=False).delete()
