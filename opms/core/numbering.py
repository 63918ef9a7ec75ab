"""Human-readable document numbers (SO-2026-000123) given out without races."""

from django.db import connection
from django.utils import timezone

from opms.core.models import DocumentSequence


def _take(prefix: str, count: int) -> tuple[int, int]:
    """Add ``count`` to the prefix's counter of the current local year in one upsert
    statement; return (year, the counter's new value)."""
    year = timezone.localdate().year
    table = DocumentSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last_value) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (prefix, year) DO UPDATE SET last_value = "
            f"{table}.last_value + EXCLUDED.last_value RETURNING last_value",
            [prefix, year, count],
        )
        return year, cursor.fetchone()[0]


def next_document_number(prefix: str, *, width: int = 6) -> str:
    """Return the next number for `prefix` in the current local year.

    One upsert statement on both PostgreSQL and SQLite: the row lock it takes is
    the only serialisation point, so concurrent callers never get the same value.
    A rolled-back transaction rolls its increment back too; numbers stay unique and
    readers must tolerate gaps (e.g. from deleted drafts).
    """
    year, value = _take(prefix, 1)
    return f"{prefix}-{year}-{value:0{width}d}"


def next_document_numbers(prefix: str, count: int, *, width: int = 6) -> list[str]:
    """Return ``count`` consecutive numbers for `prefix`, taken in the same one statement
    as ``next_document_number`` (so a concurrent caller's numbers come before or after the
    whole block, never inside it, and a rollback gives the block back)."""
    if count <= 0:
        return []
    year, last = _take(prefix, count)
    return [f"{prefix}-{year}-{value:0{width}d}" for value in range(last - count + 1, last + 1)]
