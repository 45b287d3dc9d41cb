"""An index on the name inside an organisation fact's data, for the directory's lookup of the
organisation a person's role names (directory.services.organisation_fact_ids).

Written per database, as the expression must be the one the lookup uses: `data -> 'name'`
(jsonb) on PostgreSQL, `JSON_EXTRACT(data, '$.name')` on SQLite."""

from django.db import migrations

CREATE = {
    "postgresql": "CREATE INDEX fact_data_name ON extraction_fact ((data -> 'name'))",
    "sqlite": "CREATE INDEX fact_data_name ON extraction_fact (JSON_EXTRACT(data, '$.name'))",
}


def create(apps, schema_editor):
    sql = CREATE.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in CREATE:
        schema_editor.execute("DROP INDEX IF EXISTS fact_data_name")


class Migration(migrations.Migration):
    dependencies = [("extraction", "0002_fewer_indexes")]

    operations = [migrations.RunPython(create, drop)]
