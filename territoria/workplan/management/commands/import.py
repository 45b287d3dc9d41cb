"""territoria import iati FILE...: load IATI 2.x activity files as plans."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from territoria.workplan.iati import IatiError, import_activities


class Command(BaseCommand):
    help = "Import records from a standard format: `import iati FILE...` loads IATI activities as plans."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=["iati"])
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        results, failed = [], False
        for path in options["files"]:
            try:
                plans = import_activities(path.read_bytes(), path.name)
                results.append({"path": str(path), "plans": [{"plan_id": p.pk, "iati_identifier": p.iati_identifier, "title": p.title} for p in plans]})
            except (OSError, IatiError) as problem:  # one bad file never stops the others
                failed = True
                results.append({"path": str(path), "error": str(problem) if isinstance(problem, IatiError) else f"{path.name}: {problem.strerror}"})
        for result in results:
            if options["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            elif "error" in result:
                self.stderr.write(f"error: {result['error']}")
            else:
                for plan in result["plans"]:
                    self.stdout.write(f"{result['path']}: plan {plan['plan_id']} {plan['iati_identifier']} “{plan['title']}”")
        if failed:
            raise SystemExit(1)
