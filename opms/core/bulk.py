"""Writing many rows of a model at once, for batch work (imports): primary keys taken from
the table's sequence in one statement, rows and their simple-history records written with
one COPY per table on PostgreSQL.

Rows are plain dicts of field attnames (``customer_id``) to Python values, not model
instances: building and preparing instances costs more than the database does at 100,000
rows. A field left out takes its default, ``auto_now`` fields take the time of the call.
Nothing here runs ``save()``, signals or validation; the caller has checked the rows.
"""

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime

from django.db import connection, models
from django.utils import timezone


def ids_take(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of the model's table, taken in one statement.

    On PostgreSQL they come from the table's sequence, so concurrent writers never get
    the same ones. Elsewhere (SQLite, one writer at a time) they follow the highest id
    the table ever gave; call it inside the transaction that inserts them, after a write.
    """
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quoted(column)}) FROM {quoted(table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + count + 1))


def _columns(model: type[models.Model], sample: dict) -> list[models.Field]:
    """The fields written: every concrete field, except an automatic primary key the rows
    leave to the database."""
    pk = model._meta.pk
    return [
        field
        for field in model._meta.concrete_fields
        if not (field is pk and isinstance(field, models.AutoField) and pk.attname not in sample)
    ]


def _defaults(fields: list[models.Field], now: datetime) -> dict[str, object]:
    values = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values[field.attname] = now if isinstance(field, models.DateTimeField) else now.date()
        else:
            values[field.attname] = field.get_default()  # "" for a text field without one
    return values


def rows_complete(model: type[models.Model], rows: Sequence[dict]) -> list[dict]:
    """The rows with every field the table stores: defaults filled in, ``auto_now`` fields
    set to now (as ``save()`` would); what ``rows_insert`` writes."""
    if not rows:
        return []
    fields = _columns(model, rows[0])
    now = timezone.now()
    defaults = _defaults(fields, now)
    stamped = dict.fromkeys(
        (field.attname for field in fields if getattr(field, "auto_now", False)), now
    )
    return [{**defaults, **row, **stamped} for row in rows]


def rows_insert(model: type[models.Model], rows: Sequence[dict]) -> None:
    """Insert the rows into the model's table (one COPY on PostgreSQL); pass them through
    ``rows_complete`` first when they leave fields to their defaults.

    Database errors (a unique constraint, a check) are raised as Django's, so callers
    catch ``IntegrityError`` as they would around ``bulk_create``.
    """
    if not rows:
        return
    fields = _columns(model, rows[0])
    names = [field.attname for field in fields]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    encoders = {
        field.attname: field.encoder for field in fields if isinstance(field, models.JSONField)
    }
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.wrap_database_errors, connection.cursor() as cursor:
        # Logged like any statement when queries are (DEBUG, query-count tests).
        logged = cursor.debug_sql(sql) if connection.queries_logged else nullcontext()
        with logged, cursor.cursor.copy(sql) as copy:
            if not encoders:
                for row in rows:
                    copy.write_row([row[name] for name in names])
                return
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[name], cls=encoders[name]) if name in encoders else row[name]
                        for name in names
                    ]
                )


def history_rows_insert(
    model: type[models.Model], rows: Sequence[dict], *, user_id: int | None, at: datetime
) -> None:
    """Write the simple-history "created" record of each inserted row, as ``save()`` or
    ``bulk_create_with_history`` would; the rows must be complete (``rows_complete``) and
    carry their primary keys."""
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    records = [
        {
            **{name: row[name] for name in tracked},
            "history_date": at,
            "history_type": "+",
            "history_user_id": user_id,
            "history_change_reason": None,
        }
        for row in rows
    ]
    rows_insert(history, rows_complete(history, records))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a batch step.

    A 100,000-row import allocates millions of small objects that live until the step
    ends; each full collection walks all of them, so the collector's passes grew faster
    than the file and took a fifth of the import. The rows hold no reference cycles, and
    reference counting still frees everything as usual.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
