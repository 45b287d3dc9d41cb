"""Plain SQL for the hot paths (extraction, its followers): building an ORM query costs more
than SQLite takes to run it."""

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


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
    """Model instances of one model inserted in bulk, their primary keys set: what
    `bulk_create` does for the followers of extraction, less its per-value work (expression
    checks, per-field compilation), which cost more than the database's own. On PostgreSQL by
    COPY, with ids drawn from the table's sequence first (a statement of thousands of
    parameters costs psycopg more than the rows); elsewhere a few hundred rows a statement,
    ids from RETURNING. Each field's conversion still applies (JSON, dates, auto_now), but not
    `save()` nor signals, as with bulk_create."""
    if not objs:
        return objs
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: each attribute of the `connection` proxy costs a thread-local lookup
    model, quote = type(objs[0]), db.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = [isinstance(f, _PLAIN) for f in fields]

    def values(obj):
        return [getattr(obj, f.attname) if is_plain else f.get_db_prep_save(f.pre_save(obj, True), db) for f, is_plain in zip(fields, plain)]

    pk = quote(model._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        ids = [row[0] for row in select("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                                        [model._meta.db_table, model._meta.pk.column, len(objs)])]
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table(model)} ({pk}, {columns}) FROM STDIN") as copy:
            for obj, obj_id in zip(objs, ids):
                copy.write_row([obj_id, *values(obj)])
    else:
        connection.ensure_connection()
        cap = connection.features.max_query_params
        size = max(1, min(500, cap // len(fields))) if cap else 500
        row_marks = "(" + ", ".join(["?"] * len(fields)) + ")"
        ids = []
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            sql = f"INSERT INTO {table(model)} ({columns}) VALUES {', '.join([row_marks] * len(chunk))} RETURNING {pk}"
            params = [value for obj in chunk for value in values(obj)]
            # Straight to sqlite3: Django's cursor would rewrite each %s of a long statement with a regex.
            ids.extend(row[0] for row in connection.connection.execute(sql, params).fetchall())
    for obj, obj_id in zip(objs, ids):
        obj.pk = obj_id
        obj._state.adding, obj._state.db = False, connection.alias
    return objs
