"""Search backends behind one interface, chosen from the database in use.

A backend indexes passages and answers a compiled query with passage ids, scores, a total
and facet counts. Each index row carries its document's language, type, year, visibility
and id, so matching, filtering, ranking and facet counts never join other tables.
Adding a backend is a module with a Backend class plus one line in BACKENDS.
"""

from dataclasses import dataclass, field

from django.db import connection


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
