"""Search backends behind one interface, chosen from the database in use.

A backend indexes passages and answers a compiled query with passage ids, scores, a total
and facet counts. Each index row carries its document's language, type, year, visibility
and id, so matching, filtering, ranking and facet counts never join other tables.
Adding a backend is a module with a Backend class plus one line in BACKENDS.

Work per query is bounded, as in engines that track totals only up to a limit: a backend
reads at most SCAN_LIMIT + 1 matching rows (settings.SEARCH_SCAN_LIMIT) (with their score and facet columns) in one
statement. When a query matches no more than SCAN_LIMIT passages, ranking, total and facets
are exact. When it matches more, the page says so (`complete` is false, `total` is the
limit, read "more than"), and ranking and facets cover the SCAN_LIMIT matches the index
yields first: the most recently indexed on SQLite, the first found in the table on
PostgreSQL. Ranking and counting every match of a very common word took 100-200 ms at
100,000 passages; see docs/benchmarks.md.
"""

import heapq
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from territoria.core.text import LANGUAGES, stem


@dataclass
class Filters:
    languages: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    document_id: int | None = None
    public_only: bool = True


@dataclass
class Page:
    hits: list[tuple[int, float]]  # (passage id, score), best first
    total: int
    facets: dict[str, dict]  # {"language": {"fr": 12}, "doc_type": {...}, "year": {...}}
    complete: bool = True  # False: more than `total` passages match; facets count the first ones



BACKENDS = {
    "sqlite": "territoria.search.backends.sqlite.Backend",
    "postgresql": "territoria.search.backends.postgres.Backend",
}


def get_backend():
    from django.utils.module_loading import import_string

    return import_string(BACKENDS[connection.vendor])()


def document_columns(document) -> tuple:
    """(language, doc_type, year, public, document_id) stored on each index row."""
    return (document.language, document.doc_type, document.year, document.visibility == "public", document.pk)


def alternative_stems(alternative) -> set[str]:
    """An alternative's words as the index holds them: Snowball stems of its language, or of
    each of the three when it has none; a phrase's stems space-separated."""
    languages = [alternative.language] if alternative.language else list(LANGUAGES)
    return {" ".join(stem(w, lang) for w in alternative.words) for lang in languages}


def filter_sql(filters: Filters) -> tuple[str, list]:
    """WHERE clauses on the index table's document columns, shared by both backends."""
    clauses, params = [], []
    if filters.public_only:
        clauses.append("public")
    for column, values in (("language", filters.languages), ("doc_type", filters.doc_types), ("year", filters.years)):
        if values:
            clauses.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    if filters.document_id:
        clauses.append("document_id = %s")
        params.append(filters.document_id)
    return (" AND ".join(clauses) or "1 = 1"), params


def fold_facets(rows) -> tuple[int, dict[str, dict]]:
    """(language, doc_type, year, count) rows -> total and one count table per facet."""
    facets: dict[str, dict] = {"language": {}, "doc_type": {}, "year": {}}
    total = 0
    for language, doc_type, year, count in rows:
        total += count
        for name, value in (("language", language), ("doc_type", doc_type), ("year", year)):
            if value is not None:
                facets[name][value] = facets[name].get(value, 0) + count
    for name in facets:
        facets[name] = dict(sorted(facets[name].items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return total, facets


def scan_rows() -> int:
    """How many matching rows a backend reads: one more than the limit shows there are more."""
    return settings.SEARCH_SCAN_LIMIT + 1


def bounded_page(rows, limit: int, offset: int) -> Page:
    """A Page from up to scan_rows() rows (passage id, score, language, doc_type, year),
    higher scores better; ties go to the lower passage id."""
    complete = len(rows) <= settings.SEARCH_SCAN_LIMIT
    rows = rows[: settings.SEARCH_SCAN_LIMIT]
    best = heapq.nlargest(offset + limit, rows, key=lambda row: (row[1], -row[0]))[offset:]
    counts = Counter((language, doc_type, year) for _, _, language, doc_type, year in rows)
    total, facets = fold_facets((*key, count) for key, count in counts.items())
    return Page([(row[0], float(row[1])) for row in best], total, facets, complete)
