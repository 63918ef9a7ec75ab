"""Backdating: the services stamp rows with the present; the demo moves them to their story's time.

Before each step the seed marks the moment it is meant to have happened. Every timestamp the
services wrote from then until the next mark belongs to that step, so it is moved by the
step's offset: rows keep their order within an order's story and land on the planned day.
"""

from bisect import bisect_right
from datetime import datetime

from django.apps import apps
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

# Apps whose rows the seed writes; their historical (audit) tables come along.
SEEDED_APPS = ["accounts", "customers", "inventory", "purchasing", "orders", "finance"]
# A date kept beside a timestamp of the same row: it follows the moved timestamp.
DATE_OF = {"order_date": "created_at"}


class Clock:
    """The marks of one batch: when each step really ran and when it is meant to have run."""

    def __init__(self) -> None:
        self._real: list[datetime] = []
        self._planned: list[datetime] = []

    def mark(self, planned: datetime) -> None:
        self._real.append(timezone.now())
        self._planned.append(planned)

    @property
    def since(self) -> datetime | None:
        return self._real[0] if self._real else None

    def planned(self, value: datetime) -> datetime:
        """Where `value`, stamped during this batch, belongs on the planned timeline."""
        index = bisect_right(self._real, value) - 1
        if index < 0:
            return value
        return self._planned[index] + (value - self._real[index])

    def reset(self) -> None:
        self._real.clear()
        self._planned.clear()


def _stamped_models() -> list[tuple[type[models.Model], list[models.Field], list[models.Field]]]:
    """Every seeded model with its timestamp fields and the dates that follow them."""
    found = []
    for label in SEEDED_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = model._meta.concrete_fields
            stamps = [field for field in fields if isinstance(field, models.DateTimeField)]
            names = {field.attname for field in stamps}
            dates = [field for field in fields if DATE_OF.get(field.attname) in names]
            if model._meta.managed and stamps:
                found.append((model, stamps, dates))
    return found


def backdate(clock: Clock) -> int:
    """Move every timestamp written since the clock's first mark; returns how many rows moved."""
    since = clock.since
    if since is None:
        return 0
    operations = connection.ops
    moved = 0
    for model, stamps, dates in _stamped_models():
        names = [field.attname for field in stamps]
        condition = Q()
        for name in names:
            condition |= Q(**{f"{name}__gte": since})
        rows = []
        for pk, *values in model._base_manager.filter(condition).values_list("pk", *names):
            values = [
                clock.planned(value) if value is not None and value >= since else value
                for value in values
            ]
            days = [timezone.localdate(values[names.index(DATE_OF[f.attname])]) for f in dates]
            rows.append(
                [
                    *(operations.adapt_datetimefield_value(value) for value in values),
                    *(operations.adapt_datefield_value(day) for day in days),
                    pk,
                ]
            )
        if not rows:
            continue
        # One prepared UPDATE run for all rows: the ORM's bulk_update builds a CASE per
        # row and field, which costs more than the services' own writes here.
        assignments = ", ".join(
            f"{operations.quote_name(field.column)} = %s" for field in [*stamps, *dates]
        )
        sql = (
            f"UPDATE {operations.quote_name(model._meta.db_table)} SET {assignments} "
            f"WHERE {operations.quote_name(model._meta.pk.column)} = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        moved += len(rows)
    return moved
