"""territoria loaddemo: build the bundled demo corpus (PDF and DOCX rendered from the
sources in territoria/demo/sources) and ingest it. Safe to run again: unchanged files
are left as they are."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from territoria.demo.build import build_demo
from territoria.library.services import ingest_path


class Command(BaseCommand):
    help = "Load the bundled demo corpus (French, English and Spanish documents)."

    def handle(self, *args, **options):
        with tempfile.TemporaryDirectory(prefix="territoria-demo-") as folder:
            for path in build_demo(Path(folder)):
                result = ingest_path(path, key=f"demo:{path.name}")
                if result.failed:
                    self.stderr.write(f"failed     {result.error}")
                else:
                    self.stdout.write(f"{result.status:<10} #{result.id} [{result.language}] {result.title}")
