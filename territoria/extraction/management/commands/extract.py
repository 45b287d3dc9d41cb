"""territoria extract --all | --document ID: (re-)extract facts; reviewed facts are kept."""

from django.core.management.base import BaseCommand, CommandError

from territoria.extraction.pipeline import BATCH, extract_all, start, stop
from territoria.library.models import Document


class Command(BaseCommand):
    help = "Extract actions, organisations, people, places, events, SDGs and themes from documents."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--all", action="store_true")
        group.add_argument("--document", type=int, action="append", metavar="ID")

    def handle(self, *args, **options):
        documents = Document.objects.exclude(current=None).order_by("id")
        if options["document"]:
            documents = documents.filter(pk__in=options["document"])
            missing = set(options["document"]) - set(documents.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no such document: {', '.join(map(str, sorted(missing)))}", returncode=2)
        if documents.count() > BATCH:  # more than one batch: the workers load (~1 s) while the first is read here
            start()
        try:
            for document, run in extract_all(documents.select_related("current")):  # a transaction per batch of documents
                counts = ", ".join(f"{v} {k}" for k, v in sorted(run.counts.items())) or "nothing"
                self.stdout.write(f"{run.status:<8} #{document.pk} {document.title[:60]}: {counts}")
                for error in run.errors:
                    self.stderr.write(f"         {error}")
        finally:
            stop()
