"""territoria reindex: rebuild the search index from the stored passages."""

from django.core.management.base import BaseCommand
from django.db import transaction

from territoria.library.models import Document, Passage
from territoria.search.backends import get_backend


class Command(BaseCommand):
    help = "Rebuild the search index of the current versions."

    def handle(self, *args, **options):
        backend = get_backend()
        with transaction.atomic():
            backend.clear()
            count = 0
            for document in Document.objects.exclude(current=None):
                passages = list(Passage.objects.filter(version_id=document.current_id).values_list("id", "text", "language"))
                backend.index(passages, document)
                count += len(passages)
        self.stdout.write(f"indexed {count} passages ({backend.name})")
