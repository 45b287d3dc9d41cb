"""PostgreSQL: the search index drops its foreign key to passages. The check it made on every
indexed passage at commit cost ~1 ms per document of ingestion; a deleted version is now
unindexed by a pre_delete signal (search.apps), as on SQLite, whose FTS5 table never had one."""

from django.db import migrations

CONSTRAINT = "search_pg_passage_id_fkey"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE search_pg DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE search_pg ADD CONSTRAINT {CONSTRAINT} FOREIGN KEY (passage_id) REFERENCES library_passage(id) "
            "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index_tables"), ("library", "0002_lighter_passages")]
    operations = [migrations.RunPython(drop, restore)]
