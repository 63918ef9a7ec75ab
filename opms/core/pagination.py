"""Keyset pagination: pages cost the same at any depth and never count the table."""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet


def _encode(values: list) -> str:
    raw = json.dumps([_dump(v) for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _dump(value):
    if isinstance(value, datetime | date):
        return {"t": type(value).__name__, "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"t": "decimal", "v": str(value)}
    return value


def _load(value):
    if isinstance(value, dict):
        kind, raw = value.get("t"), value.get("v")
        if kind == "datetime":
            return datetime.fromisoformat(raw)
        if kind == "date":
            return date.fromisoformat(raw)
        if kind == "decimal":
            return Decimal(raw)
    return value


def _decode(cursor: str) -> list | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return [_load(v) for v in json.loads(base64.urlsafe_b64decode(padded))]
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def keyset_page(
    queryset: QuerySet, *, ordering: str, cursor: str | None, size: int, direction: str = "next"
) -> Page:
    """Return one page of `queryset` sorted by `ordering` (a field, '-' for descending),
    with the primary key as the tiebreaker.

    `cursor` is an opaque token from a previous page; `direction` is "next" or "previous".
    """
    descending = ordering.startswith("-")
    field = ordering.lstrip("-")
    backwards = direction == "previous"
    walk_descending = descending != backwards
    order = [f"-{field}", "-pk"] if walk_descending else [field, "pk"]
    queryset = queryset.order_by(*order)

    position = _decode(cursor) if cursor else None
    if position and len(position) == 2:
        value, pk = position
        op = "lt" if walk_descending else "gt"
        # The redundant `field <= value` (or >=) is what PostgreSQL can use as an index
        # bound: with the OR alone it filters row by row from the top of the list, which at
        # 1M orders costs 300 ms two years down instead of under 1 ms.
        queryset = queryset.filter(
            Q(**{f"{field}__{op}e": value})
            & (Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
        )

    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    def key(row) -> str:
        return _encode([getattr(row, field), row.pk])

    if not rows:
        return Page(items=[], next_cursor=None, previous_cursor=None)
    if backwards:
        next_cursor = key(rows[-1])
        previous_cursor = key(rows[0]) if has_more else None
    else:
        next_cursor = key(rows[-1]) if has_more else None
        previous_cursor = key(rows[0]) if position else None
    return Page(items=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)


def page_from_request(request, queryset: QuerySet, *, ordering: str) -> Page:
    """The page a list view shows: cursor and direction from the query string."""
    return keyset_page(
        queryset,
        ordering=ordering,
        cursor=request.GET.get("cursor"),
        direction=request.GET.get("direction", "next"),
        size=settings.OPMS_PAGE_SIZE,
    )


def int_or_none(value) -> int | None:
    """A query-string id, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
