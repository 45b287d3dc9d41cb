"""territoria ingest PATH... [--json]: store files and folders (recursively).

Exit status: 0 when every file was stored or unchanged, 1 when some file failed (the
others are stored), 2 for usage errors.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from territoria.extraction.pipeline import start, stop
from territoria.library.services import BATCH_FILES, expand_paths, ingest_paths


class Command(BaseCommand):
    help = "Ingest documents (PDF, DOCX, HTML, Markdown, text) from files or folders."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        missing = [p for p in options["paths"] if not __import__("os").path.exists(p)]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=2)
        results, paths = [], expand_paths(options["paths"])
        if len(paths) > BATCH_FILES:  # more than one batch: the workers load (~1 s) while the first is read here
            start()
        try:
            for result in ingest_paths(paths):  # stored in batches, reported file by file
                results.append(result)
                if not options["json"]:
                    self._print(result)
        finally:
            stop()
        if options["json"]:
            fields = ("path", "id", "status", "language", "title", "error", "warnings")
            payload = {"documents": [{k: r.as_dict()[k] for k in fields} for r in results]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        if any(r.failed for r in results):
            sys.exit(1)

    def _print(self, result):
        if result.failed:
            self.stderr.write(f"failed     {result.error}")
        else:
            self.stdout.write(f"{result.status:<10} #{result.id} [{result.language}] {result.title}  ({result.path})")
            for warning in result.warnings:
                self.stdout.write(f"           warning: {warning}")
