"""PostgreSQL full-text backend: a tsvector per passage built with the passage's language
configuration (french, english, spanish) over unaccent(text), a GIN index, and queries
compiled once per configuration with that language's alternatives (and the words typed)."""

from django.db import connection

from territoria.core.text import strip_accents
from territoria.search.backends import Filters, Page, bounded_page, document_columns, filter_sql, scan_rows

CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
CONFIG_SQL = "(CASE p.language WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish' ELSE 'english' END)::regconfig"
QUERY_SQL = "(to_tsquery('english', %s) || to_tsquery('french', %s) || to_tsquery('spanish', %s))"


class Backend:
    name = "postgresql-fts"

    def index(self, passages, document) -> None:
        """`passages`: (id, text, language) rows of one document."""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_pg (passage_id, vector, language, doc_type, year, public, document_id) "
                f"SELECT p.id, to_tsvector({CONFIG_SQL}, unaccent(p.text)), %s, %s, %s, %s, %s "
                "FROM library_passage p WHERE p.id = ANY(%s)",
                [*document_columns(document), [pid for pid, _, _ in passages]],
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

    def search(self, query, filters: Filters, limit: int, offset: int = 0, require_all: bool = True) -> Page:
        tsqueries = compile_tsqueries(query, require_all)
        if not any(tsqueries):
            return bounded_page([], limit, offset)
        where, params = filter_sql(filters)
        # The tsquery is written out twice rather than in a CTE so that the planner sees its
        # selectivity; without ORDER BY, the LIMIT stops the scan after scan_rows() rows.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT passage_id, ts_rank(vector, {QUERY_SQL}, 1), language, doc_type, year FROM search_pg "
                f"WHERE vector @@ {QUERY_SQL} AND {where} LIMIT %s",
                [*tsqueries, *tsqueries, *params, scan_rows()],
            )
            return bounded_page(cursor.fetchall(), limit, offset)


def _group(group, language: str) -> str:
    options = [strip_accents(" & ".join(a.words)) for a in group.alternatives if a.words and a.language in (None, language)]
    options = [f"({o})" if " " in o else o for o in options]
    if group.parts:
        parts = [_group(p, language) for p in group.parts]
        if all(parts):
            options.append("(" + " & ".join(parts) + ")")
    return "(" + " | ".join(dict.fromkeys(options)) + ")" if options else ""


def compile_tsquery(query, language: str, require_all: bool = True) -> str:
    """'(a | (b & c)) & (d)' with the alternatives of one language and the words as typed;
    words are accent-free alphanumerics, safe in to_tsquery. Groups AND-ed (or OR-ed)."""
    groups = [_group(group, language) for group in query.groups]
    if require_all and not all(groups):
        return ""
    return (" & " if require_all else " | ").join(g for g in groups if g)


def compile_tsqueries(query, require_all: bool = True) -> list[str]:
    """One tsquery text per configuration, in the order of QUERY_SQL."""
    return [compile_tsquery(query, language, require_all) for language in ("en", "fr", "es")]
