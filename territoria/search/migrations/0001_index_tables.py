"""Create the search index table of the database in use (FTS5, or tsvector + GIN)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from territoria.search.backends.sqlite import CREATE

        schema_editor.execute(CREATE)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS search_pg ("
            "passage_id bigint PRIMARY KEY REFERENCES library_passage(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "
            "vector tsvector NOT NULL, language varchar(2) NOT NULL, doc_type varchar(20) NOT NULL, year smallint, "
            "public boolean NOT NULL, document_id bigint NOT NULL)"
        )
        schema_editor.execute("CREATE INDEX IF NOT EXISTS search_pg_vector ON search_pg USING gin (vector)")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS search_pg_document ON search_pg (document_id)")


def drop(apps, schema_editor):
    table = {"sqlite": "search_fts", "postgresql": "search_pg"}.get(schema_editor.connection.vendor)
    if table:
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
