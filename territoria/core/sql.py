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


def select_in(model, columns: tuple[str, ...], column: str, values) -> list[tuple]:
    """The columns of the model's rows whose `column` is one of the values, in one plain query."""
    values = list(values)
    if not values:
        return []
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    return select(f"SELECT {names} FROM {table(model)} WHERE {connection.ops.quote_name(column)} IN ({', '.join(['%s'] * len(values))})", values)


def rows_per_statement(columns: int) -> int:
    """Rows of `columns` values one statement may carry: up to 500, within the database's cap
    on parameters (999 for the SQLite builds Django supports)."""
    cap = connection.features.max_query_params
    return max(1, min(500, cap // columns)) if cap else 500


def next_ids(model, count: int) -> list[int]:
    """`count` primary keys drawn from the model's sequence (PostgreSQL), for rows sent by COPY."""
    sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
    return [row[0] for row in select(sql, [model._meta.db_table, model._meta.pk.column, count])]


def insert_rows(model, columns: tuple[str, ...], rows: list, conflicts: str = "fail") -> None:
    """Plain rows (values as the database takes them) into the model's table: one COPY on
    PostgreSQL (an INSERT would have psycopg quote every value into the statement); on SQLite
    INSERTs of a few hundred rows each (40 % faster than one executemany), straight to the
    sqlite3 connection: Django's cursor would rewrite every %s of such a statement with a regex,
    a third of its time. `conflicts="ignore"`: rows a unique constraint refuses are skipped
    (INSERT … ON CONFLICT DO NOTHING on every database, as COPY cannot)."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql" and conflicts != "ignore":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table(model)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    _inserts(model, columns, rows, " ON CONFLICT DO NOTHING" if conflicts == "ignore" else "")


def insert_returning(model, columns: tuple[str, ...], rows: list, returning: str) -> list[tuple]:
    """Plain rows inserted a few hundred a statement (as insert_rows does without COPY), with
    the `returning` columns of each row read back."""
    return _inserts(model, columns, rows, f" RETURNING {returning}")


def _inserts(model, columns: tuple[str, ...], rows: list, tail: str) -> list[tuple]:
    """Multi-row INSERTs of a few hundred rows each, ending with `tail`; what they return. On
    SQLite straight to the sqlite3 connection (see insert_rows)."""
    sqlite = connection.vendor == "sqlite"
    connection.ensure_connection()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = "(" + ", ".join(["?" if sqlite else "%s"] * len(columns)) + ")"
    found, size = [], rows_per_statement(len(columns))
    for i in range(0, len(rows), size):
        chunk = rows[i : i + size]
        sql = f"INSERT INTO {table(model)} ({names}) VALUES {', '.join([marks] * len(chunk))}{tail}"
        params = [value for row in chunk for value in row]
        if sqlite:
            found.extend(connection.connection.execute(sql, params).fetchall())
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found.extend(cursor.fetchall() if cursor.description else ())
    return found


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
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = [isinstance(f, _PLAIN) for f in fields]

    def values(obj):
        return [getattr(obj, f.attname) if is_plain else f.get_db_prep_save(f.pre_save(obj, True), db) for f, is_plain in zip(fields, plain)]

    columns, pk = tuple(f.column for f in fields), model._meta.pk.column
    if db.vendor == "postgresql":
        ids = next_ids(model, len(objs))
        insert_rows(model, (pk, *columns), [[obj_id, *values(obj)] for obj, obj_id in zip(objs, ids)])
    else:
        ids = [row[0] for row in insert_returning(model, columns, [values(obj) for obj in objs], db.ops.quote_name(pk))]
    for obj, obj_id in zip(objs, ids):
        obj.pk = obj_id
        obj._state.adding, obj._state.db = False, db.alias
    return objs
