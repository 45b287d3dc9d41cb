"""territoria serve [--port N]: the web application on a production WSGI server (waitress)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Territoria over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from territoria.wsgi import application

        self.stdout.write(f"Territoria on http://{options['host']}:{options['port']}/")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"], ident="territoria")
