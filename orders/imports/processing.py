"""Checking and importing a batch file (called by the services and by the worker)."""

from functools import partial

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import PriceRule
from customers.services import customer_create, customer_update, price_rule_upsert
from inventory.models import StockMove
from inventory.services import product_upsert, stock_receive
from opms.core.bulk import gc_paused
from opms.core.errors import DomainError
from orders.imports.models import ImportBatch
from orders.imports.plans import Plan, columns_for, plan_build
from orders.imports.reading import UnreadableFile, sheet_read
from orders.integration.models import IntegrationChannel
from orders.services.bulk_intake import DraftOrderInput, orders_create_bulk
from orders.services.lifecycle import LineInput

# Files up to this many data rows are checked and imported inside the request.
SYNC_ROW_LIMIT = 1000
PROGRESS_EVERY = 50
IMPORT_CHANNEL_CODE = "import"

Kind = ImportBatch.Kind
Status = ImportBatch.Status


def import_channel(*, actor) -> IntegrationChannel:
    """The channel of batch files: external order numbers are unique within it for ever."""
    channel, _created = IntegrationChannel.objects.get_or_create(
        code=IMPORT_CHANNEL_CODE, defaults={"name": "Batch import", "acts_as": actor}
    )
    return channel


def _progress_key(batch_id: int) -> str:
    return f"opms:import-progress:{batch_id}"


def import_progress(*, batch_id: int) -> int:
    """Percent done of the running check or import (0–100), shared by all processes."""
    return caches["api"].get(_progress_key(batch_id), 0)


def progress_set(batch_id: int, done: int, total: int) -> None:
    caches["api"].set(_progress_key(batch_id), int(done * 100 / max(total, 1)), timeout=3600)


def _plan(batch: ImportBatch) -> tuple[Plan | None, str]:
    try:
        sheet = sheet_read(bytes(batch.content), columns_for(batch.kind))
    except UnreadableFile:
        return None, ""
    channel = import_channel(actor=batch.created_by) if batch.kind == Kind.ORDERS else None
    return plan_build(sheet=sheet, kind=batch.kind, actor=batch.created_by, channel=channel), (
        sheet.encoding
    )


def _unreadable() -> list[dict]:
    return [
        {
            "row": 1,
            "column": "",
            "value": "",
            "message": _("The file is neither CSV (UTF-8 or GBK) nor XLSX, or it is empty."),
        }
    ]


def _store_plan(batch: ImportBatch, plan: Plan | None, encoding: str, status: str) -> None:
    batch.encoding = encoding
    if plan is None:
        batch.errors, batch.outcomes, batch.row_count = _unreadable(), [], 0
    else:
        batch.errors = sorted(plan.errors, key=lambda error: error["row"])
        batch.row_count = len(plan.rows)
        batch.outcomes = [[number, outcome] for number, outcome in sorted(plan.outcomes.items())]
    batch.error_count = len(batch.errors)
    batch.status = status
    batch.save(
        update_fields=["encoding", "errors", "outcomes", "row_count", "error_count", "status"]
    )


def import_check(*, batch_id: int) -> ImportBatch:
    """Check every row and keep the preview; writes nothing else."""
    batch = ImportBatch.objects.get(pk=batch_id)
    with gc_paused():
        plan, encoding = _plan(batch)
    valid = plan is not None and plan.is_valid
    _store_plan(batch, plan, encoding, Status.READY if valid else Status.INVALID)
    progress_set(batch.pk, 1, 1)
    return batch


def import_confirm(*, batch_id: int) -> ImportBatch:
    """Check again (the data may have changed since the preview) and write every row in
    one transaction: if any row fails, nothing is written."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != Status.IMPORTING:
        return batch
    with gc_paused():
        plan, encoding = _plan(batch)
    if plan is None or not plan.is_valid:
        _store_plan(batch, plan, encoding, Status.INVALID)
        return batch
    try:
        with gc_paused(), transaction.atomic():
            result = _apply(batch, plan)
    except (DomainError, IntegrityError) as exc:
        batch.errors = [{"row": 0, "column": "", "value": "", "message": str(exc)}]
        batch.error_count = 1
        batch.status = Status.FAILED
        batch.save(update_fields=["errors", "error_count", "status"])
        return batch
    batch.result = result
    batch.status = Status.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["result", "status", "finished_at"])
    progress_set(batch.pk, 1, 1)
    return batch


def _apply(batch: ImportBatch, plan: Plan) -> dict:
    actor = batch.created_by
    total = len(plan.work)
    if batch.kind == Kind.ORDERS:
        numbers = orders_create_bulk(
            actor=actor,
            orders=[
                DraftOrderInput(
                    customer=work.customer,
                    warehouse=work.warehouse,
                    lines=[
                        LineInput(product_id=product_id, quantity=quantity, unit_price=price)
                        for product_id, quantity, price in work.lines
                    ],
                    requested_delivery_on=work.header["requested_delivery_on"],
                    customer_reference=work.header["customer_reference"] or "",
                    note=work.header["note"] or "",
                    external_id=work.external_id,
                    shipping_address=work.header["shipping_address"] or "",
                )
                for work in plan.work
            ],
            channel=import_channel(actor=actor),
            on_progress=partial(progress_set, batch.pk),
        )
        return {"orders": numbers, "created": len(numbers)}
    created = updated = 0
    for index, work in enumerate(plan.work, start=1):
        if batch.kind == Kind.CUSTOMERS:
            code, customer_id, fields = work
            if customer_id:
                customer_update(customer_id=customer_id, **fields)
                updated += 1
            else:
                customer_create(code=code, **fields)
                created += 1
        elif batch.kind == Kind.PRODUCTS:
            sku, fields = work
            _product, was_created = product_upsert(sku=sku, **fields)
            created, updated = created + was_created, updated + (not was_created)
        elif batch.kind == Kind.PRICE_RULES:
            price_list, sku, category, values = work
            fixed = values.get("fixed_price")
            price_rule_upsert(
                price_list=price_list,
                name=values["name"],
                product_sku=sku,
                category_code=category,
                min_quantity=values.get("min_quantity") or 1,
                basis=PriceRule.Basis.FIXED_PRICE
                if fixed is not None
                else PriceRule.Basis.DISCOUNT_PERCENT,
                fixed_price_amount=fixed,
                discount_percent=values.get("discount_percent"),
                valid_from=values.get("valid_from"),
                valid_to=values.get("valid_to"),
            )
            created += 1
        elif batch.kind == Kind.OPENING_STOCK:
            product_id, warehouse_id, quantity = work
            stock_receive(
                product_id=product_id,
                warehouse_id=warehouse_id,
                quantity=quantity,
                kind=StockMove.Kind.ADJUSTMENT,
                reference=f"IMPORT-{batch.pk}",
                reason=_("Opening stock"),
                actor=actor,
            )
            created += 1
        if index % PROGRESS_EVERY == 0:
            progress_set(batch.pk, index, total)
    return {"created": created, "updated": updated}
