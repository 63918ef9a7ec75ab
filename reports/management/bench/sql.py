"""INSERT … SELECT built from the Django model, so new columns get their defaults.

Every concrete column of the model is written: the caller gives SQL expressions for the
columns it cares about; the others get the field's default (a literal), NULL when the
field is nullable, or '' for blank text. A field with neither makes the seed fail loudly,
which is what an added mandatory column should do.
"""

import json
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone
from psycopg import sql


def _literal(value) -> str:
    if isinstance(value, dict | list):
        return sql.Literal(json.dumps(value)).as_string(connection.connection) + "::jsonb"
    if isinstance(value, bool | int | Decimal | str | date | datetime):
        return sql.Literal(value).as_string(connection.connection)
    raise TypeError(f"no SQL literal for {value!r}")


def _default_expression(field: models.Field) -> str:
    if field.has_default():
        default = field.default
        if default is timezone.now:
            return "now()"
        if default is timezone.localdate:
            return "current_date"
        value = default() if callable(default) else default
        if hasattr(value, "value") and not isinstance(value, str | int):  # TextChoices member
            value = value.value
        return _literal(value)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()"
    if field.null:
        return "NULL"
    if isinstance(field, models.CharField | models.TextField) and field.blank:
        return "''"
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value in the bulk seed")


def insert_select(model, values: dict[str, str], from_sql: str, params=None) -> int:
    """INSERT INTO model's table every row of `from_sql`, columns from `values` or defaults."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.name in values:
            expression = values[field.name]
        elif field.primary_key:
            continue
        else:
            expression = _default_expression(field)
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(f"{expression} AS {connection.ops.quote_name(field.column)}")
    statement = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(expressions)} {from_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that no constraint owns: safe to drop and rebuild."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return cursor.fetchall()


def sequence_catch_up(model) -> None:
    """Move the id sequence past the largest id (rows were written with explicit ids)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
            f"GREATEST((SELECT COALESCE(MAX({column}), 0) FROM {table}), 1))",
            [table, column],
        )


def max_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {model._meta.db_table}"  # noqa: S608
        )
        return cursor.fetchone()[0]
