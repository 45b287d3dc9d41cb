"""PostgreSQL full-text backend: a tsvector per passage built with the passage's language
configuration (french, english, spanish) over unaccent(text), a GIN index, and queries
compiled for the three configurations at once."""

from django.db import connection

from territoria.core.text import strip_accents
from territoria.search.backends import Filters, Page, filter_sql, fold_facets

CONFIG_SQL = "(CASE p.language WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish' ELSE 'english' END)::regconfig"
QUERY_SQL = (
    "(to_tsquery('english', %s) || to_tsquery('french', %s) || "
    "to_tsquery('spanish', %s) || to_tsquery('simple', %s))"
)
FROM = (
    "FROM search_pg s JOIN library_passage p ON p.id = s.passage_id "
    "JOIN library_document d ON d.id = p.document_id"
)


class Backend:
    name = "postgresql-fts"

    def index(self, passages, document=None) -> None:
        ids = [p.pk for p in passages]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO search_pg (passage_id, vector) SELECT p.id, to_tsvector({CONFIG_SQL}, unaccent(p.text)) "
                "FROM library_passage p WHERE p.id = ANY(%s)",
                [ids],
            )

    def unindex_version(self, version_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_pg WHERE passage_id IN (SELECT id FROM library_passage WHERE version_id = %s)",
                [version_id],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg")

    def search(self, query, filters: Filters, limit: int, offset: int = 0) -> Page:
        tsquery = compile_tsquery(query)
        if not tsquery:
            return Page([], 0, fold_facets([])[1])
        where, params = filter_sql(filters)
        qparams = [tsquery] * 4
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH q AS (SELECT {QUERY_SQL} AS q) SELECT p.id, ts_rank(s.vector, q.q, 1) AS score "
                f"{FROM} CROSS JOIN q WHERE s.vector @@ q.q AND {where} ORDER BY score DESC, p.id LIMIT %s OFFSET %s",
                [*qparams, *params, limit, offset],
            )
            hits = [(pid, float(score)) for pid, score in cursor.fetchall()]
            cursor.execute(
                f"WITH q AS (SELECT {QUERY_SQL} AS q) SELECT d.language, d.doc_type, d.year, count(*) "
                f"{FROM} CROSS JOIN q WHERE s.vector @@ q.q AND {where} GROUP BY 1, 2, 3",
                [*qparams, *params],
            )
            total, facets = fold_facets(cursor.fetchall())
        return Page(hits, total, facets)


def compile_tsquery(query) -> str:
    """'((a) | (b & c)) | ((d))': a phrase needs all its words; words are accent-free alphanumerics, safe in to_tsquery."""
    groups = []
    for group in query.groups:
        alternatives = dict.fromkeys(strip_accents(" & ".join(a.words)) for a in group.alternatives if a.words)
        if alternatives:
            groups.append("(" + " | ".join(f"({a})" for a in alternatives) + ")")
    return " | ".join(groups)
