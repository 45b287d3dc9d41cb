"""PostgreSQL: the index's tsvectors are rebuilt from the Python analysis (Snowball stems of
the passage's language, accent-free, stop words out) that ingestion now sends as literals and
that queries now use; vectors built by to_tsvector(config, unaccent(text)) would not match
them exactly. Nothing to do on SQLite, whose index always held these stems."""

from django.db import migrations

BATCH = 2_000


def rebuild(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from territoria.search.backends.postgres import vector

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT s.passage_id, p.text, p.language FROM search_pg s JOIN library_passage p ON p.id = s.passage_id ORDER BY 1")
        rows = cursor.fetchall()
        for i in range(0, len(rows), BATCH):
            chunk = rows[i : i + BATCH]
            cursor.execute(
                "UPDATE search_pg s SET vector = v.vector::tsvector FROM unnest(%s::bigint[], %s::text[]) AS v(id, vector) "
                "WHERE s.passage_id = v.id",
                [[pid for pid, _, _ in chunk], [vector(text, language) for _, text, language in chunk]],
            )


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE search_pg s SET vector = to_tsvector((CASE p.language WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish' "
            "ELSE 'english' END)::regconfig, unaccent(p.text)) FROM library_passage p WHERE p.id = s.passage_id"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_no_passage_constraint")]
    operations = [migrations.RunPython(rebuild, restore)]
