"""SQLite FTS5 backend. Passages are indexed as pre-computed Snowball stems (accents
removed, stop words dropped) in their own language; queries are compiled to the same stems
in each of the three languages, so one index serves French, English and Spanish."""

from django.db import connection

from territoria.core.text import terms
from territoria.search.backends import Filters, Page, alternative_stems, bounded_page, document_columns, filter_sql, scan_rows

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, language UNINDEXED, doc_type UNINDEXED, "
    "year UNINDEXED, public UNINDEXED, document_id UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
)


class Backend:
    name = "sqlite-fts5"

    def index(self, passages, document) -> None:
        """`passages`: (id, text, language[, stems]) rows of one document (stems: `core.text.terms`)."""
        self.index_documents([(passages, document)])

    def index_documents(self, pairs) -> None:
        """(passages, document) pairs, in one statement."""
        rows = [(pid, " ".join(found[0] if found else terms(text, language)), *columns)
                for passages, columns in ((p, document_columns(d)) for p, d in pairs) for pid, text, language, *found in passages]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, terms, language, doc_type, year, public, document_id) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    def unindex_version(self, version_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_fts WHERE rowid IN (SELECT id FROM library_passage WHERE version_id = %s)",
                [version_id],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def search(self, query, filters: Filters, limit: int, offset: int = 0, require_all: bool = True) -> Page:
        match = compile_match(query, require_all)
        if not match:
            return bounded_page([], limit, offset)
        where, params = filter_sql(filters)
        with connection.cursor() as cursor:  # newest matches first: FTS5 walks its doclists backwards
            cursor.execute(
                f"SELECT rowid, -bm25(search_fts), language, doc_type, year FROM search_fts "
                f"WHERE search_fts MATCH %s AND {where} ORDER BY rowid DESC LIMIT %s",
                [match, *params, scan_rows()],
            )
            return bounded_page(cursor.fetchall(), limit, offset)


def _alternative(stems: str) -> str:
    quoted = " ".join(f'"{s}"' for s in stems.split())
    return quoted if " " not in stems else f"NEAR({quoted}, {len(stems.split()) + 2})"


def _group(group) -> str:
    options = [_alternative(s) for a in group.alternatives for s in alternative_stems(a) if s]
    if group.parts:
        options.append("(" + " AND ".join(_group(p) for p in group.parts) + ")")
    return "(" + " OR ".join(dict.fromkeys(options)) + ")" if options else ""


def compile_match(query, require_all: bool = True) -> str:
    """FTS5 syntax: each group the OR of its alternatives; groups AND-ed (or OR-ed)."""
    groups = [g for g in (_group(group) for group in query.groups) if g]
    return (" AND " if require_all else " OR ").join(groups)
