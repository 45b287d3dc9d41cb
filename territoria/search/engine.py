"""One search entry point for the web page, the JSON API and the CLI."""

from dataclasses import dataclass

from territoria.core.roles import is_member
from territoria.library.models import Passage
from territoria.search import highlight
from territoria.search.backends import Filters, get_backend
from territoria.search.query import Query, parse

MAX_LIMIT = 100


@dataclass
class Hit:
    passage: Passage
    score: float
    snippet: str
    snippet_html: str

    def as_dict(self) -> dict:
        p = self.passage
        return {
            "document_id": p.document_id, "title": p.document.title, "path": p.document.key,
            "language": p.language, "document_language": p.document.language, "section": p.section_label,
            "section_title": p.section_title, "passage_id": p.pk, "page": p.page,
            "snippet": self.snippet, "snippet_html": str(self.snippet_html), "score": round(self.score, 6),
        }


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int
    facets: dict
    backend: str
    complete: bool = True  # False: more than `total` passages match (see search.backends)


def filters_for(user, languages=(), doc_types=(), years=(), document_id=None) -> Filters:
    return Filters(list(languages), list(doc_types), [int(y) for y in years], document_id, not is_member(user))


def search(text: str, filters: Filters, limit: int = 20, offset: int = 0, expand: bool = True) -> Results:
    query = parse(text, expand=expand)
    backend = get_backend()
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    page = backend.search(query, filters, limit, offset)
    if page.total == 0 and len(query.groups) > 1:  # no passage has every word: rank those with some
        page = backend.search(query, filters, limit, offset, require_all=False)
    passages = Passage.objects.select_related("document").order_by().in_bulk([pid for pid, _ in page.hits])
    stems = query.stems()
    hits = []
    for pid, score in page.hits:
        passage = passages[pid]
        plain, html = highlight.snippet(passage.text, passage.language, stems)
        hits.append(Hit(passage, score, plain, html))
    return Results(query, hits, page.total, page.facets, backend.name, page.complete)
