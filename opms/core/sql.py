"""Hand-written SQL for the few statements on the order-entry hot path.

The ORM compiles a queryset on every call (about 1 ms of CPU for a select with joins or
OR-ed conditions); order entry runs a dozen of them per order, several while hot stock
rows are locked. These helpers keep the hand-written statements portable between
PostgreSQL and SQLite (the embedded default) and model-driven (table and column names
come from the model's meta, never typed twice); what they derive from a model is
computed once per process.
"""

from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.utils import timezone


def _db():
    return connections[DEFAULT_DB_ALIAS]


@cache
def _quoted(vendor: str, name: str) -> str:
    return _db().ops.quote_name(name)


def table(model: type[Model]) -> str:
    return _quoted(_db().vendor, model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    return _quoted(_db().vendor, model._meta.get_field(name).column)


@cache
def _columns(vendor: str, model: type[Model], alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{_quoted(vendor, f.column)}" for f in model._meta.concrete_fields)


def columns(model: type[Model], alias: str = "") -> str:
    """Every concrete column of the model, for SELECT (as the ORM's from_db expects)."""
    return _columns(_db().vendor, model, alias)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def for_update(of: str = "") -> str:
    """The row-lock clause, or nothing where the database has no row locks (SQLite)."""
    features = _db().features
    if not features.has_select_for_update:
        return ""
    if of and features.has_select_for_update_of:
        return f" FOR UPDATE OF {of}"
    return " FOR UPDATE"


@cache
def _converters(vendor: str, field: Field) -> tuple:
    """The converters the ORM applies to a fetched value of the field (decimals and dates
    on SQLite, JSON everywhere), so hand-fetched rows equal ORM-fetched ones."""
    db = _db()
    expression = field.get_col(field.model._meta.db_table)
    found = db.ops.get_db_converters(expression) + expression.get_db_converters(db)
    return expression, tuple(found)


def rows_fetch(
    model: type[Model],
    sql: str,
    params: list,
    *,
    related: Sequence[tuple[str, type[Model]]] = (),
    extra: Sequence[Field] = (),
) -> list:
    """Model instances from a SELECT of columns(model), then columns(...) of each model in
    ``related`` (attached under its attribute name, as select_related does; None when the
    outer-joined row is missing), then one column per field of ``extra`` (set under the
    column's label, converted like that field)."""
    db = _db()
    groups = [(None, model), *related]
    fields = [field for _name, group in groups for field in group._meta.concrete_fields]
    fields += list(extra)
    converting = [
        (index, expression, found)
        for index, (expression, found) in enumerate(_converters(db.vendor, f) for f in fields)
        if found
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        labels = [description[0] for description in cursor.description]
        rows = cursor.fetchall()
    layout = []
    start = 0
    for _name, group in groups:
        concrete = group._meta.concrete_fields
        layout.append(
            (
                group,
                start,
                start + len(concrete),
                [f.attname for f in concrete],
                start + concrete.index(group._meta.pk),
            )
        )
        start += len(concrete)
    instances = []
    for row in rows:
        values = list(row)
        for index, expression, found in converting:
            for converter in found:
                values[index] = converter(values[index], expression, db)
        built = [
            None if values[pk] is None else group.from_db(db.alias, names, values[begin:end])
            for group, begin, end, names, pk in layout
        ]
        instance = built[0]
        for (name, _group), joined in zip(related, built[1:], strict=True):
            setattr(instance, name, joined)
        for label, value in zip(labels[start:], values[start:], strict=True):
            setattr(instance, label, value)
        instances.append(instance)
    return instances


def rows_update(model: type[Model], rows: list[Model], fields: list[str]) -> int:
    """Write ``fields`` of already-locked rows back in one UPDATE (what bulk_update does,
    without compiling a Case/When expression per row)."""
    if not rows:
        return 0
    db = _db()
    pk = column(model, model._meta.pk.name)
    params: list = []
    assignments = []
    for name in fields:
        field = model._meta.get_field(name)
        cases = []
        for row in rows:
            cases.append("WHEN %s THEN %s")
            params += [row.pk, field.get_db_prep_save(getattr(row, field.attname), db)]
        assignments.append(f"{column(model, name)} = CASE {pk} {' '.join(cases)} END")
    params += [row.pk for row in rows]
    sql = (
        f"UPDATE {table(model)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {pk} IN ({placeholders(len(rows))})"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@cache
def _insertable(vendor: str, model: type[Model]) -> tuple[tuple[Field, ...], str, str]:
    meta = model._meta
    fields = tuple(
        field
        for field in meta.concrete_fields
        if not (field is meta.pk and getattr(field, "db_returning", False))
    )
    names = ", ".join(_quoted(vendor, field.column) for field in fields)
    head = f"INSERT INTO {_quoted(vendor, meta.db_table)} ({names}) VALUES "
    tail = f" RETURNING {_quoted(vendor, meta.pk.column)}"
    return fields, head, tail


def _insert(model: type[Model], value_rows: list[list]) -> list:
    """INSERT rows of values (in _insertable's field order, prepared); returns the keys."""
    db = _db()
    fields, head, tail = _insertable(db.vendor, model)
    width = f"({placeholders(len(fields))})"
    with db.cursor() as cursor:
        cursor.execute(
            head + ", ".join([width] * len(value_rows)) + tail,
            [value for values in value_rows for value in values],
        )
        return [key for (key,) in cursor.fetchall()]


def rows_insert(model: type[Model], rows: Sequence[Model]) -> None:
    """INSERT new instances in one statement and give them their primary keys.

    What bulk_create does (field defaults and auto_now_add through pre_save, values
    prepared by each field), without the per-call query compilation. No signals are sent:
    the model's history rows are written with history_rows_insert.
    """
    if not rows:
        return
    db = _db()
    fields, _head, _tail = _insertable(db.vendor, model)
    keys = _insert(
        model,
        [
            [field.get_db_prep_save(field.pre_save(row, True), db) for field in fields]
            for row in rows
        ],
    )
    for row, key in zip(rows, keys, strict=True):
        row.pk = key
        row._state.adding = False
        row._state.db = db.alias


def history_rows_insert(
    model: type[Model], rows: Sequence[Model], *, actor, history_type: str = "+", reason: str = ""
) -> None:
    """The django-simple-history rows of ``rows`` (created: "+", changed: "~"), in one
    statement: the rows the library's bulk_history_create writes, without building a
    historical instance per row."""
    if not rows:
        return
    db = _db()
    historical = model.history.model
    fields, _head, _tail = _insertable(db.vendor, historical)
    tracked = {field.attname for field in historical.tracked_fields}
    own = {
        "history_date": timezone.now(),
        "history_user_id": getattr(actor, "pk", None),
        "history_change_reason": reason or None,
        "history_type": history_type,
    }
    _insert(
        historical,
        [
            [
                field.get_db_prep_save(
                    getattr(row, field.attname) if field.attname in tracked else own[field.attname],
                    db,
                )
                for field in fields
            ]
            for row in rows
        ],
    )
