"""Plain SQL for the hot paths (extraction, its followers): building an ORM query costs more
than SQLite takes to run it."""

from django.db import connection, models


def table(model) -> str:
    """The model's table name, quoted for the database in use."""
    return connection.ops.quote_name(model._meta.db_table)


def select(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Fields whose attribute is already the database value: no conversion to pay for.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField, models.ForeignKey)


def insert_objects(objs: list) -> list:
    """Model instances of one model inserted a few hundred a statement, their primary keys
    set from RETURNING: what `bulk_create` does for the followers of extraction, less its
    per-value work (expression checks, per-field compilation), which cost more than the
    database's own. Each field's conversion still applies (JSON, dates, auto_now), but not
    `save()` nor signals, as with bulk_create."""
    if not objs:
        return objs
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = [isinstance(f, _PLAIN) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    size = max(1, min(500, connection.features.max_query_params // len(fields))) if connection.features.max_query_params else 500
    sqlite = connection.vendor == "sqlite"
    connection.ensure_connection()
    row_marks = "(" + ", ".join(["?" if sqlite else "%s"] * len(fields)) + ")"
    for start in range(0, len(objs), size):
        chunk = objs[start : start + size]
        params = [getattr(obj, f.attname) if is_plain else f.get_db_prep_save(f.pre_save(obj, True), connection)
                  for obj in chunk for f, is_plain in zip(fields, plain)]
        sql = f"INSERT INTO {table(model)} ({columns}) VALUES {', '.join([row_marks] * len(chunk))} RETURNING {quote(model._meta.pk.column)}"
        if sqlite:  # straight to sqlite3: Django's cursor would rewrite each %s of a long statement with a regex
            rows = connection.connection.execute(sql, params).fetchall()
        else:
            rows = select(sql, params)
        for obj, (pk,) in zip(chunk, rows):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
    return objs
