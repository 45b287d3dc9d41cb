"""territoria export KIND --format json|csv: every record of a kind, for scripts."""

from django.core.management.base import BaseCommand

from territoria.core import exports


class Command(BaseCommand):
    help = "Export records (documents, ...) as JSON or CSV on standard output."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(exports.EXPORTERS))
        parser.add_argument("--format", choices=sorted(exports.FORMATS), default="json")

    def handle(self, *args, **options):
        records = exports.rows(options["kind"])
        self.stdout.write(exports.FORMATS[options["format"]](records))
