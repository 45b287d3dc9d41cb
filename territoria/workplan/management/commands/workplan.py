"""territoria workplan import DOCUMENT_ID: a plan from a document's extracted actions."""

import json

from django.core.management.base import BaseCommand, CommandError

from territoria.library.models import Document
from territoria.workplan.services import import_document


class Command(BaseCommand):
    help = "Work plans: `import DOCUMENT_ID` creates (or completes) the plan of a document's extracted actions."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["import"])
        parser.add_argument("document_id", type=int)
        parser.add_argument("--json", action="store_true", help="print the plan as JSON")

    def handle(self, *args, **options):
        document = Document.objects.filter(pk=options["document_id"]).first()
        if document is None:
            raise CommandError(f"no document {options['document_id']}")
        plan, added = import_document(document)
        summary = {"plan_id": plan.pk, "title": plan.title, "iati_identifier": plan.iati_identifier, "sections": plan.sections.count(),
                   "actions": plan.actions.count(), "added": added}
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(f"plan {plan.pk} “{plan.title}”: {summary['sections']} sections, {summary['actions']} actions ({added} added)")
