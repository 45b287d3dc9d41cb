"""The `territoria` command: Django's management commands with Territoria's settings.

Commands that need the database migrate it first when it is new, so `territoria ingest`
works on an empty data directory with no set-up step.
"""

import os
import sys

NEEDS_DATABASE = {"ingest", "search", "export", "serve", "loaddemo", "reindex", "extract", "createsuperuser", "adduser", "workplan", "import", "calendar"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    import django
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and argv[1] in NEEDS_DATABASE:
        django.setup()
        migrate_if_needed()
    execute_from_command_line(argv)


def migrate_if_needed() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
