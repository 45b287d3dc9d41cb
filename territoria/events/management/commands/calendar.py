"""territoria calendar sync | remind | digest: events from the extracted facts, and the
reminder and digest emails (for a scheduler to run)."""

import json

from django.core.management.base import BaseCommand

from territoria.events import notify, services


class Command(BaseCommand):
    help = ("Calendar: `sync` makes or refreshes events from the extracted event facts; `remind` emails members registered "
            "for events starting within a day; `digest` emails the weekly digest to members who opted in.")

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["sync", "remind", "digest"])
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, **options):
        operation = options["operation"]
        if operation == "sync":
            counts = services.sync()
        elif operation == "remind":
            counts = {"sent": notify.send_reminders()}
        else:
            counts = {"sent": notify.send_digests()}
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(f"{operation}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
