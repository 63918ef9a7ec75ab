"""Writes of batch imports: upload and check, confirm (all rows or none), bulk submit."""

from dataclasses import dataclass

from django.db import transaction

from opms.core.errors import DomainError
from opms.core.queue import enqueue_on_commit
from orders.errors import ImportNotReady
from orders.imports.models import ImportBatch
from orders.imports.processing import (
    SYNC_ROW_LIMIT,
    import_check,
    import_confirm,
    import_progress,
    progress_set,
)
from orders.imports.tasks import import_check_task, import_confirm_task
from orders.models import SalesOrder
from orders.services.lifecycle import order_submit

Kind = ImportBatch.Kind
Status = ImportBatch.Status

__all__ = ["import_confirm", "import_progress"]


def import_upload(*, kind: str, file_name: str, content: bytes, actor) -> ImportBatch:
    """Store the file and check it; large files are checked by a worker."""
    batch = ImportBatch.objects.create(
        kind=kind, file_name=file_name[:200], content=content, created_by=actor
    )
    if content.count(b"\n") > SYNC_ROW_LIMIT or len(content) > 2_000_000:
        enqueue_on_commit(import_check_task, batch.pk)
    else:
        import_check(batch_id=batch.pk)
        batch.refresh_from_db()
    return batch


@transaction.atomic
def import_confirm_start(*, batch_id: int, actor) -> ImportBatch:
    """Start importing a checked file (in the request when small, else by a worker)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != Status.READY:
        raise ImportNotReady(status=batch.get_status_display())
    batch.status = Status.IMPORTING
    batch.save(update_fields=["status"])
    progress_set(batch.pk, 0, 1)
    if batch.row_count > SYNC_ROW_LIMIT:
        enqueue_on_commit(import_confirm_task, batch.pk)
    return batch


@dataclass(frozen=True)
class BulkSubmitResult:
    submitted: list[str]
    refused: list[tuple[str, str]]  # (order number, why)


def import_orders_submit(*, batch_id: int, actor) -> BulkSubmitResult:
    """Submit every order of an import that is still a draft, each in its own transaction
    through the same service as the order page; refusals are reported, not raised."""
    batch = ImportBatch.objects.get(pk=batch_id, kind=Kind.ORDERS, status=Status.DONE)
    numbers = batch.result.get("orders", [])
    drafts = SalesOrder.objects.filter(number__in=numbers, status=SalesOrder.Status.DRAFT).order_by(
        "pk"
    )
    submitted, refused = [], []
    for order_id, number in drafts.values_list("pk", "number"):
        try:
            order_submit(order_id=order_id, actor=actor)
        except DomainError as exc:
            refused.append((number, str(exc)))
        else:
            submitted.append(number)
    return BulkSubmitResult(submitted=submitted, refused=refused)
