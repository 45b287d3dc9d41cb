"""territoria export KIND --format json|csv (iati for actions, popolo for organisations and people): every record of a kind, for scripts."""

from django.core.management.base import BaseCommand, CommandError

from territoria.core import exports

# Standard formats that only some kinds have: format -> {kind: exporter returning bytes}.
STANDARD = {"iati": {"actions": "territoria.workplan.exports.iati"}, "ics": {"events": "territoria.events.exports.ics"},
            "popolo": {"organisations": "territoria.directory.exports.popolo", "people": "territoria.directory.exports.popolo"}}


class Command(BaseCommand):
    help = "Export records (documents, actions, organisations, ...) as JSON or CSV on standard output; actions also as IATI XML, organisations and people as Popolo JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(exports.EXPORTERS))
        parser.add_argument("--format", choices=sorted([*exports.FORMATS, *STANDARD]), default="json")

    def handle(self, *args, **options):
        kind, fmt = options["kind"], options["format"]
        if fmt in STANDARD:
            if kind not in STANDARD[fmt]:
                raise CommandError(f"--format {fmt} is for {', '.join(STANDARD[fmt])} only")
            from django.utils.module_loading import import_string

            self.stdout.write(import_string(STANDARD[fmt][kind])().decode(), ending="")
            return
        self.stdout.write(exports.FORMATS[fmt](exports.rows(kind)))
