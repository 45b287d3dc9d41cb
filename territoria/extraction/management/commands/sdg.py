"""territoria sdg --jsonl: one line {"id", "text"} in, one line {"id", "sdgs", "scores"} out."""

import json
import sys

from django.core.management.base import BaseCommand

from territoria.extraction import topics


class Command(BaseCommand):
    help = "Tag texts (French, English or Spanish) with SDGs, reading JSON lines on standard input."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", action="store_true", required=True)

    def handle(self, *args, **options):
        out = sys.stdout
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = str(item["text"])
            except (ValueError, KeyError, TypeError):
                out.write(json.dumps({"id": None, "line": number, "error": "expected a JSON object with id and text"}) + "\n")
                continue
            scores, _, _ = topics.score(text[:50_000])
            sdgs = [int(c) for c in topics.tagged(scores)]
            out.write(json.dumps({"id": item.get("id"), "sdgs": sorted(sdgs), "scores": {c: scores[c] for c in sorted(scores, key=int)}}) + "\n")
