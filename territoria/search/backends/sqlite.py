"""SQLite FTS5 backend. Passages are indexed as pre-computed Snowball stems (accents
removed, stop words dropped) in their own language; queries are compiled to the same stems
in each of the three languages, so one index serves French, English and Spanish."""

from django.db import connection

from territoria.core.text import index_terms, stem
from territoria.search.backends import Filters, Page, filter_sql, fold_facets

CREATE = "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, tokenize='unicode61 remove_diacritics 2')"
FROM = (
    "FROM search_fts JOIN library_passage p ON p.id = search_fts.rowid "
    "JOIN library_document d ON d.id = p.document_id"
)


class Backend:
    name = "sqlite-fts5"

    def index(self, passages, document=None) -> None:
        rows = [(p.pk, index_terms(p.text, p.language)) for p in passages]
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO search_fts(rowid, terms) VALUES (%s, %s)", rows)

    def unindex_version(self, version_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_fts WHERE rowid IN (SELECT id FROM library_passage WHERE version_id = %s)",
                [version_id],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def search(self, query, filters: Filters, limit: int, offset: int = 0) -> Page:
        match = compile_match(query)
        if not match:
            return Page([], 0, fold_facets([])[1])
        where, params = filter_sql(filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id, -bm25(search_fts) AS score {FROM} WHERE search_fts MATCH %s AND {where} "
                "ORDER BY bm25(search_fts) LIMIT %s OFFSET %s",
                [match, *params, limit, offset],
            )
            hits = cursor.fetchall()
            cursor.execute(
                f"SELECT d.language, d.doc_type, d.year, count(*) {FROM} WHERE search_fts MATCH %s AND {where} "
                "GROUP BY 1, 2, 3",
                [match, *params],
            )
            total, facets = fold_facets(cursor.fetchall())
        return Page(hits, total, facets)


def _stems(alternative) -> set[str]:
    languages = [alternative.language] if alternative.language else ["en", "fr", "es"]
    return {" ".join(stem(w, lang) for w in alternative.words) for lang in languages}


def compile_match(query) -> str:
    """Every alternative of every group OR-ed; a several-word alternative as a NEAR group."""
    terms: list[str] = []
    for group in query.groups:
        for alternative in group.alternatives:
            for stems in _stems(alternative):
                quoted = " ".join(f'"{s}"' for s in stems.split())
                terms.append(quoted if " " not in stems else f"NEAR({quoted}, {len(stems.split()) + 2})")
    return " OR ".join(dict.fromkeys(t for t in terms if t))
