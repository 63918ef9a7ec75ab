"""Human-readable document numbers (SO-2026-000123) given out without races."""

import re

from django.db import connection
from django.utils import timezone

from opms.core.models import DocumentSequence

PREFIX = re.compile(r"[A-Z]{1,10}")


def next_document_number(prefix: str, *, width: int = 6) -> str:
    """Return the next number for `prefix` in the current local year."""
    return document_numbers_take(prefix, 1, width=width)[0]


def document_numbers_take(prefix: str, count: int, *, width: int = 6) -> list[str]:
    """Take `count` rising numbers for `prefix` in the current local year, in one statement
    (consecutive unless a concurrent caller's numbers interleave).

    On PostgreSQL each prefix and year has its own sequence (created on first use by the
    `opms_document_numbers` function of migration core 0003, starting after what the
    DocumentSequence row had given out). A sequence hands out values without holding a
    lock until the caller commits, so concurrent orders never queue behind each other
    for their number, and never get the same one. A rolled-back transaction leaves a gap:
    numbers are unique and rising, and readers tolerate gaps (as for deleted drafts).
    Elsewhere (SQLite) one upsert on the DocumentSequence row serialises the callers.
    """
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"document prefix must be 1-10 capital letters: {prefix!r}")
    if count < 1:
        return []
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT opms_document_numbers(%s, %s, %s)", [prefix, year, count])
            values = [row[0] for row in cursor.fetchall()]
        else:
            table = DocumentSequence._meta.db_table
            cursor.execute(
                f"INSERT INTO {table} (prefix, year, last_value) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (prefix, year) DO UPDATE SET last_value = "
                f"{table}.last_value + %s RETURNING last_value",
                [prefix, year, count, count],
            )
            last = cursor.fetchone()[0]
            values = list(range(last - count + 1, last + 1))
    return [f"{prefix}-{year}-{value:0{width}d}" for value in values]


SEQUENCES = r"SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'opms\_number\_%%'"


def document_sequences_settle() -> None:
    """Make the number sequences and the DocumentSequence rows agree on the highest number
    given out, for bulk loaders that write numbers themselves (seed_bench): call it before
    reading DocumentSequence and after raising it."""
    if connection.vendor != "postgresql":
        return
    table = DocumentSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(SEQUENCES)
        for (name,) in cursor.fetchall():
            prefix, year = name.removeprefix("opms_number_").rsplit("_", 1)
            cursor.execute(f'SELECT last_value, is_called FROM "{name}"')  # noqa: S608
            last_value, is_called = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {table} (prefix, year, last_value) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (prefix, year) DO UPDATE SET last_value = "
                f"GREATEST({table}.last_value, EXCLUDED.last_value) RETURNING last_value",
                [prefix.upper(), int(year), last_value if is_called else last_value - 1],
            )
            settled = cursor.fetchone()[0]
            if settled > 0:
                cursor.execute("SELECT setval(%s, %s)", [name, settled])


def document_sequences_drop() -> None:
    """Forget the number sequences (tests: numbering starts again from DocumentSequence)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(SEQUENCES)
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')
