"""territoria loaddemo: build the bundled demo corpus (PDF and DOCX rendered from the
sources in territoria/demo/sources) and ingest it. Safe to run again: unchanged files
are left as they are."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from territoria.demo.build import build_demo
from territoria.library.services import ingest_paths


class Command(BaseCommand):
    help = "Load the bundled demo corpus (French, English and Spanish documents)."

    def handle(self, *args, **options):
        with tempfile.TemporaryDirectory(prefix="territoria-demo-") as folder:
            for result in ingest_paths(build_demo(Path(folder)), key=lambda path: f"demo:{path.name}"):
                if result.failed:
                    self.stderr.write(f"failed     {result.error}")
                else:
                    self.stdout.write(f"{result.status:<10} #{result.id} [{result.language}] {result.title}")
