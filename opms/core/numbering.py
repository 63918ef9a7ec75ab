"""Human-readable document numbers (SO-2026-000123) given out without races."""

from django.db import connection
from django.utils import timezone

from opms.core.models import DocumentSequence


def next_document_number(prefix: str, *, width: int = 6) -> str:
    """Return the next number for `prefix` in the current local year.

    One upsert statement on both PostgreSQL and SQLite: the row lock it takes is
    the only serialisation point, so concurrent callers never get the same value.
    A rolled-back transaction rolls its increment back too; numbers stay unique and
    readers must tolerate gaps (e.g. from deleted drafts).
    """
    year = timezone.localdate().year
    table = DocumentSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (prefix, year) DO UPDATE SET last_value = "
            f"{table}.last_value + 1 RETURNING last_value",
            [prefix, year],
        )
        value = cursor.fetchone()[0]
    return f"{prefix}-{year}-{value:0{width}d}"
