"""PostgreSQL full-text backend: a tsvector per passage and a GIN index.

The tsvector holds the same analysis as the SQLite index — Snowball stems of the passage's
language (French, English or Spanish, the algorithms of PostgreSQL's own configurations),
accents removed, stop words out, with word positions — computed once in Python
(`core.text.terms`) and sent by COPY as a tsvector literal. PostgreSQL's
`to_tsvector(config, unaccent(text))` did the same work on the server at ~25 µs a passage
(its text parser alone costs 16 µs), most of what ingestion spent there; the literal costs
~6 µs to read. Queries are tsquery literals of the same stems, alternatives in all three
languages, so a query finds the same passages on both backends."""

from django.db import connection

from territoria.core.text import terms
from territoria.search.backends import Filters, Page, alternative_stems, bounded_page, document_columns, filter_sql, scan_rows

MAX_POSITION = 16_383  # PostgreSQL keeps word positions up to here (later words share the last one)
MAX_LEXEME_BYTES = 2_047  # longer words are refused by PostgreSQL (to_tsvector skips them)
MAX_VECTOR_BYTES = 900_000  # a tsvector holds at most 1 MB of lexemes and positions
SAFE_CHARS = 100_000  # a text this short cannot exceed those limits but by one very long word
POSITIONS = [f":{i}" for i in range(1, MAX_POSITION + 1)]  # ":1", ":2", ...: joined to stems in C, not formatted one by one


def vector(text: str, language: str, stems: list[str] | None = None) -> str:
    """The tsvector literal of a passage: 'stem:position ...' (PostgreSQL merges a stem's
    positions), from its stems (`core.text.terms`) when the caller has them. Stems are runs of
    word characters: nothing in them needs quoting."""
    stems = terms(text, language) if stems is None else stems
    if len(text) > SAFE_CHARS or (len(text) > 500 and max(map(len, stems), default=0) > 500):
        stems = _bounded(stems)
    if len(stems) > MAX_POSITION:
        return " ".join(f"{s}:{min(i, MAX_POSITION)}" for i, s in enumerate(stems, 1))
    return " ".join(map(str.__add__, stems, POSITIONS))


def _bounded(stems: list[str]) -> list[str]:
    """Hostile text: words PostgreSQL would refuse left out, and no new word once the vector
    would pass its size limit."""
    kept, seen, size = [], set(), 0
    for s in stems:
        if s not in seen:
            length = len(s.encode())
            if length > MAX_LEXEME_BYTES or size + length > MAX_VECTOR_BYTES:
                continue
            seen.add(s)
            size += length + 8  # the lexeme's entry and a few positions
        kept.append(s)
    return kept


class Backend:
    name = "postgresql-fts"

    def index(self, passages, document) -> None:
        """`passages`: (id, text, language[, stems]) rows of one document (stems: `core.text.terms`)."""
        self.index_documents([(passages, document)])

    def index_documents(self, pairs) -> None:
        """(passages, document) pairs, in one COPY."""
        with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY search_pg (passage_id, vector, language, doc_type, year, public, document_id) FROM STDIN"
        ) as copy:
            for passages, document in pairs:
                columns = document_columns(document)
                for pid, text, language, *found in passages:
                    copy.write_row((pid, vector(text, language, *found), *columns))

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
        tsquery = compile_tsquery(query, require_all)
        if not tsquery:
            return bounded_page([], limit, offset)
        where, params = filter_sql(filters)
        # The tsquery is written out twice rather than in a CTE so that the planner sees its
        # selectivity; without ORDER BY, the LIMIT stops the scan after scan_rows() rows.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT passage_id, ts_rank(vector, %s::tsquery, 1), language, doc_type, year FROM search_pg "
                f"WHERE vector @@ %s::tsquery AND {where} LIMIT %s",
                [tsquery, tsquery, *params, scan_rows()],
            )
            return bounded_page(cursor.fetchall(), limit, offset)


def _alternative(stems: str) -> str:
    quoted = " & ".join(f"'{s}'" for s in stems.split())
    return f"({quoted})" if " " in stems else quoted


def _group(group) -> str:
    options = [_alternative(s) for a in group.alternatives for s in alternative_stems(a) if s]
    if group.parts:
        parts = [_group(p) for p in group.parts]
        if all(parts):
            options.append("(" + " & ".join(parts) + ")")
    return "(" + " | ".join(dict.fromkeys(options)) + ")" if options else ""


def compile_tsquery(query, require_all: bool = True) -> str:
    """A tsquery literal: each group the OR of its alternatives' stems in the three languages
    (a phrase's stems AND-ed); groups AND-ed (or OR-ed). Stems are word characters only."""
    groups = [_group(group) for group in query.groups]
    if require_all and not all(groups):
        return ""
    return (" & " if require_all else " | ").join(g for g in groups if g)
