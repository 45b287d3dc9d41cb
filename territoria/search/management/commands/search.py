"""territoria search QUERY [--lang xx] [--limit N] [--json]."""

import json

from django.core.management.base import BaseCommand

from territoria.search.backends import Filters
from territoria.search.engine import search


class Command(BaseCommand):
    help = "Search passages across languages; best first."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--lang", choices=["en", "fr", "es"], help="only documents in this language")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-expand", action="store_true", help="no cross-language expansion")

    def handle(self, *args, **options):
        filters = Filters(languages=[options["lang"]] if options["lang"] else [], public_only=False)
        results = search(options["query"], filters, options["limit"], expand=not options["no_expand"])
        if options["json"]:
            fields = ("document_id", "title", "path", "language", "section", "snippet", "score", "passage_id", "page")
            hits = [{k: h.as_dict()[k] for k in fields} for h in results.hits]
            self.stdout.write(json.dumps({"query": options["query"], "total": results.total, "total_exact": results.complete, "hits": hits}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{'' if results.complete else 'more than '}{results.total} passages ({results.backend})")
        for hit in results.hits:
            d = hit.as_dict()
            self.stdout.write(f"{d['score']:8.3f}  #{d['document_id']} §{d['section'] or '-'} [{d['language']}] {d['title'][:60]}")
            self.stdout.write(f"          {d['snippet'][:200]}")
