"""Search backends behind one interface, chosen from the database in use.

A backend indexes passages and answers a compiled query with passage ids, scores, a total
and facet counts. Adding one is a module with a Backend class plus one line in BACKENDS.
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


def filter_sql(filters: Filters, param: str = "%s") -> tuple[str, list]:
    """WHERE clauses on library_document d, shared by both backends."""
    clauses, params = ["d.current_id = p.version_id"], []
    if filters.public_only:
        clauses.append("d.visibility = 'public'")
    for column, values in (("d.language", filters.languages), ("d.doc_type", filters.doc_types), ("d.year", filters.years)):
        if values:
            clauses.append(f"{column} IN ({', '.join([param] * len(values))})")
            params.extend(values)
    if filters.document_id:
        clauses.append(f"d.id = {param}")
        params.append(filters.document_id)
    return " AND ".join(clauses), params


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
