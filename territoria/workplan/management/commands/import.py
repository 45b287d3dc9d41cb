"""territoria import iati FILE...: load IATI 2.x activity files as plans.
territoria import members FILE... [--dry-run]: load member lists (CSV or XLSX) into the directory."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from territoria.directory.services import ImportFileError, import_members
from territoria.workplan.iati import IatiError, import_activities


class Command(BaseCommand):
    help = ("Import records: `import iati FILE...` loads IATI activities as plans; "
            "`import members FILE...` loads member lists (CSV or XLSX) into the directory.")

    def add_arguments(self, parser):
        parser.add_argument("format", choices=["iati", "members"])
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--dry-run", action="store_true", help="members: report what would change, write nothing")

    def handle(self, *args, **options):
        if options["format"] == "members":
            return self.members(options)
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

    def members(self, options):
        failed = False
        for path in options["files"]:
            try:
                rows, counts = import_members(path.read_bytes(), path.name, dry_run=options["dry_run"])
            except (OSError, ImportFileError) as problem:
                failed = True
                message = str(problem) if isinstance(problem, ImportFileError) else f"{path.name}: {problem.strerror}"
                self.stderr.write(f"error: {message}") if not options["json"] else self.stdout.write(json.dumps({"path": str(path), "error": message}))
                continue
            errors = [r.as_dict() for r in rows if r.action == "error"]
            failed = failed or bool(errors)
            if options["json"]:
                self.stdout.write(json.dumps({"path": str(path), "dry_run": options["dry_run"], "counts": counts, "errors": errors}, ensure_ascii=False))
                continue
            self.stdout.write(f"{path}: {counts['create']} created, {counts['update']} updated, {counts['unchanged']} unchanged, "
                              f"{counts['error']} rows with errors" + (" (dry run, nothing written)" if options["dry_run"] else ""))
            for error in errors:
                self.stderr.write(f"{path.name}: row {error['row']}: {'; '.join(error['errors'])}")
        if failed:
            raise SystemExit(1)
