"""Writing many rows of a model at once, for batch work (imports): primary keys taken from
the table's sequence in one statement, rows written with one COPY per table on PostgreSQL,
their simple-history records copied from the table by the database in one statement.

Rows are plain dicts of field attnames (``customer_id``) to Python values, not model
instances: building and preparing instances costs more than the database does at 100,000
rows. A field left out takes its default, ``auto_now`` fields take the time of the call.
Nothing here runs ``save()``, signals or validation; the caller has checked the rows.
"""

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from decimal import Decimal

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
            for start in range(0, len(rows), COPY_BLOCK_ROWS):
                copy.write(_copy_text(rows[start : start + COPY_BLOCK_ROWS], names, encoders))


# Rows formatted per write to the COPY stream.
COPY_BLOCK_ROWS = 2000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """One value in COPY's text format (what psycopg's per-value adapters would send, at a
    fraction of their cost)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):  # also text choices
        return str.translate(value, _COPY_ESCAPES)
    if isinstance(value, date):  # and datetime: ISO 8601 with the offset
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    raise TypeError(f"No COPY text format for {type(value).__name__}")


def _copy_column(values: list, *, is_json: bool = False, encoder=None) -> list[str]:
    """A column's values in COPY's text format; batch columns repeat few distinct values
    (ids, defaults, prices, the batch's timestamp), so each is formatted once."""
    if is_json:
        return [_copy_value(json.dumps(value, cls=encoder)) for value in values]
    formatted: dict[tuple, str] = {}
    texts = []
    for value in values:
        key = (value.__class__, value)  # 1, True and Decimal("1.00") are equal keys alone
        text = formatted.get(key)
        if text is None:
            text = formatted[key] = _copy_value(value)
        texts.append(text)
    return texts


def _copy_text(rows: Sequence[dict], names: list[str], encoders: dict) -> str:
    columns = [
        _copy_column(
            [row[name] for row in rows], is_json=name in encoders, encoder=encoders.get(name)
        )
        for name in names
    ]
    return "".join("\t".join(values) + "\n" for values in zip(*columns, strict=True))


def history_created_insert(
    model: type[models.Model],
    values: Sequence,
    *,
    user_id: int | None,
    at: datetime,
    by: str = "pk",
) -> None:
    """Write the simple-history "created" record (as ``save()`` or
    ``bulk_create_with_history`` would) of the just-inserted rows whose field ``by`` is one
    of ``values`` (their ids, or e.g. their order's ids), copied from the table by the
    database in one statement."""
    if not values:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    target = [quote(history._meta.get_field(field.attname).column) for field in tracked]
    target += [quote(history._meta.get_field(name).column) for name in HISTORY_FIELDS]
    source = [quote(field.column) for field in tracked]
    column = model._meta.pk.column if by == "pk" else model._meta.get_field(by).column
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(target)}) "  # noqa: S608
        f"SELECT {', '.join(source)}, %s, '+', %s, NULL FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(column)} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql + "= ANY(%s)", [at, user_id, list(values)])
            return
        for start in range(0, len(values), 500):
            block = list(values[start : start + 500])
            marks = ", ".join(["%s"] * len(block))
            cursor.execute(sql + f"IN ({marks})", [at, user_id, *block])


# In the order of the values the SELECT gives them: at, "+", the user, no reason.
HISTORY_FIELDS = ("history_date", "history_type", "history_user", "history_change_reason")


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
