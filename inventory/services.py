"""Writes to stock: allocate, reserve, release, issue, receive, adjust, transfer, count.

Every function locks stock rows in one stable order, (product, warehouse), so that
concurrent callers queue behind each other instead of deadlocking.
"""

from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import F

from inventory.errors import (
    AdjustmentInvalid,
    InsufficientStock,
    QuantityInvalid,
    StockLevelCorrupted,
    TransferToSameWarehouse,
)
from inventory.models import Product, StockLevel, StockMove, Warehouse
from inventory.signals import stock_available
from opms.core.numbering import next_document_number
from opms.core.sql import column, columns, for_update, placeholders, rows_fetch, rows_update, table


@dataclass(frozen=True)
class StockRequest:
    product_id: int
    warehouse_id: int
    quantity: int


def _sorted(requests: list[StockRequest]) -> list[StockRequest]:
    # One lock order for every caller: concurrent orders over the same SKUs
    # queue behind each other instead of deadlocking.
    merged: dict[tuple[int, int], int] = {}
    for request in requests:
        key = (request.product_id, request.warehouse_id)
        merged[key] = merged.get(key, 0) + request.quantity
    return [StockRequest(p, w, q) for (p, w), q in sorted(merged.items()) if q]


@transaction.atomic
def stock_reserve(*, requests: list[StockRequest]) -> None:
    """Reserve every request or none of them.

    Each row is changed with a conditional UPDATE (reserved + q <= on_hand): the
    database re-checks the condition under the row lock, so concurrent callers
    can never oversell. Raises InsufficientStock naming every short line.
    """
    shortages = []
    for request in _sorted(requests):
        updated = StockLevel.objects.filter(
            product_id=request.product_id,
            warehouse_id=request.warehouse_id,
            on_hand__gte=F("reserved") + request.quantity,
        ).update(reserved=F("reserved") + request.quantity)
        if not updated:
            shortages.append(request)
    if shortages:
        raise InsufficientStock(_describe_shortages(shortages))


def _describe_shortages(shortages: list[StockRequest]) -> list[dict]:
    products = Product.objects.in_bulk([s.product_id for s in shortages])
    warehouses = Warehouse.objects.in_bulk([s.warehouse_id for s in shortages])
    levels = {
        (level.product_id, level.warehouse_id): level.available
        for level in StockLevel.objects.filter(
            product_id__in=[s.product_id for s in shortages],
            warehouse_id__in=[s.warehouse_id for s in shortages],
        )
    }
    return [
        {
            "product_id": s.product_id,
            "sku": products[s.product_id].sku,
            "name": products[s.product_id].name,
            "warehouse": warehouses[s.warehouse_id].name,
            "wanted": s.quantity,
            "available": max(levels.get((s.product_id, s.warehouse_id), 0), 0),
        }
        for s in shortages
    ]


@dataclass(frozen=True)
class AllocationRequest:
    """Demand of one order line: `quantity` of a product, served first from `warehouse_id`."""

    key: int
    product_id: int
    warehouse_id: int
    quantity: int


@dataclass
class Allocation:
    """What one request got: reserved quantity per warehouse, and the rest backordered
    in its preferred warehouse."""

    key: int
    reserved: dict[int, int] = field(default_factory=dict)
    backordered: int = 0


def _quantity_check(quantity) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise QuantityInvalid(quantity=quantity)


def stock_allocate(*, requests: list[AllocationRequest]) -> list[Allocation]:
    """Reserve what is available for each request, splitting across warehouses.

    Policy: the request's own warehouse first (the customer's default), then the other
    warehouses with the most available stock; what nobody has becomes a backorder
    counted in the request's own warehouse. The stock rows of every product involved
    are locked in (product, warehouse) order in one statement and written back in one,
    so concurrent orders can neither oversell nor deadlock. Raises QuantityInvalid.
    """
    for request in requests:
        _quantity_check(request.quantity)
    # Checked before the transaction: a refusal leaves the caller's transaction usable.
    # No savepoint of its own: it runs on every order submit, inside the caller's.
    with transaction.atomic(savepoint=False):
        return _allocate(requests)


def _allocate(requests: list[AllocationRequest]) -> list[Allocation]:
    product_ids = sorted({request.product_id for request in requests})
    levels = _levels_locked(product_ids)
    missing = [
        StockLevel(product_id=r.product_id, warehouse_id=r.warehouse_id)
        for r in requests
        if (r.product_id, r.warehouse_id) not in levels
    ]
    if missing:
        # Backorders wait in a warehouse that never held the product: give it a row.
        StockLevel.objects.bulk_create(missing, ignore_conflicts=True)
        levels = _levels_locked(product_ids)
    allocations = []
    changed: dict[int, StockLevel] = {}
    for request in requests:
        allocation = Allocation(key=request.key)
        wanted = request.quantity
        preferred = levels[(request.product_id, request.warehouse_id)]
        others = sorted(
            (
                level
                for (product_id, _warehouse), level in levels.items()
                if product_id == request.product_id and level is not preferred
            ),
            key=lambda level: (-level.available, level.warehouse_id),
        )
        for level in [preferred, *others]:
            take = min(wanted, max(level.available, 0))
            if take <= 0:
                continue
            level.reserved += take
            changed[level.pk] = level
            allocation.reserved[level.warehouse_id] = take
            wanted -= take
            if not wanted:
                break
        if wanted:
            preferred.backordered += wanted
            changed[preferred.pk] = preferred
            allocation.backordered = wanted
        allocations.append(allocation)
    if changed:
        rows_update(
            StockLevel, [changed[pk] for pk in sorted(changed)], ["reserved", "backordered"]
        )
    return allocations


def _levels_locked(product_ids: list[int]) -> dict[tuple[int, int], StockLevel]:
    # Hand-written: every order submit runs it, and what follows it holds hot rows locked.
    product = column(StockLevel, "product")
    sql = (
        f"SELECT {columns(StockLevel)} FROM {table(StockLevel)} "  # noqa: S608
        f"WHERE {product} IN ({placeholders(len(product_ids))}) "
        f"ORDER BY {product}, {column(StockLevel, 'warehouse')}{for_update()}"
    )
    return {
        (level.product_id, level.warehouse_id): level
        for level in rows_fetch(StockLevel, sql, list(product_ids))
    }


@transaction.atomic
def stock_backorders_reserve(*, product_id: int, warehouse_id: int, wanted: list[int]) -> list[int]:
    """Reserve newly available stock for backorders, in the order given (first come first).

    `wanted` lists the backordered quantities of the waiting lines; returns what each
    one got. Reserved grows and backordered shrinks by the same total.
    """
    level = (
        StockLevel.objects.select_for_update()
        .filter(product_id=product_id, warehouse_id=warehouse_id)
        .first()
    )
    if level is None:
        return [0 for _quantity in wanted]
    available = max(level.available, 0)
    granted = []
    for quantity in wanted:
        take = min(quantity, available)
        granted.append(take)
        available -= take
    total = sum(granted)
    if total:
        level.reserved += total
        level.backordered = max(level.backordered - total, 0)
        level.save(update_fields=["reserved", "backordered"])
    return granted


@transaction.atomic
def stock_release(
    *, requests: list[StockRequest], backorders: list[StockRequest] | None = None
) -> None:
    """Give reserved quantities back and drop backorders (order rejected or cancelled)."""
    for request in _sorted(requests):
        StockLevel.objects.filter(
            product_id=request.product_id, warehouse_id=request.warehouse_id
        ).update(reserved=F("reserved") - request.quantity)
    for request in _sorted(backorders or []):
        StockLevel.objects.filter(
            product_id=request.product_id, warehouse_id=request.warehouse_id
        ).update(backordered=F("backordered") - request.quantity)
    for request in _sorted(requests):
        _announce_available(request.product_id, request.warehouse_id)


@transaction.atomic
def stock_issue(*, requests: list[StockRequest], reference: str, actor=None) -> None:
    """Ship reserved stock: on hand and reserved drop together, one ledger line each."""
    for request in _sorted(requests):
        updated = StockLevel.objects.filter(
            product_id=request.product_id,
            warehouse_id=request.warehouse_id,
            reserved__gte=request.quantity,
        ).update(on_hand=F("on_hand") - request.quantity, reserved=F("reserved") - request.quantity)
        if not updated:
            product = Product.objects.get(pk=request.product_id)
            raise StockLevelCorrupted(
                sku=product.sku,
                warehouse=Warehouse.objects.get(pk=request.warehouse_id).name,
                problem="reserved < shipped",
            )
    StockMove.objects.bulk_create(
        [
            StockMove(
                product_id=r.product_id,
                warehouse_id=r.warehouse_id,
                kind=StockMove.Kind.SHIPMENT,
                quantity=-r.quantity,
                reference=reference,
                actor=actor,
            )
            for r in _sorted(requests)
        ]
    )


@transaction.atomic
def stock_receive(
    *,
    product_id: int,
    warehouse_id: int,
    quantity: int,
    kind: str = StockMove.Kind.RECEIPT,
    reference: str = "",
    reason: str = "",
    reason_code: str = "",
    actor=None,
) -> StockMove:
    """Book stock in (or out, with a negative adjustment) through the ledger.

    Stock that arrives is announced after commit (backorders wait for it).
    """
    # Insert the level if it is new; the unique constraint settles concurrent first receipts.
    StockLevel.objects.bulk_create(
        [StockLevel(product_id=product_id, warehouse_id=warehouse_id)], ignore_conflicts=True
    )
    updated = StockLevel.objects.filter(
        product_id=product_id,
        warehouse_id=warehouse_id,
        on_hand__gte=F("reserved") - quantity,
    ).update(on_hand=F("on_hand") + quantity)
    if not updated:
        raise InsufficientStock(
            _describe_shortages([StockRequest(product_id, warehouse_id, -quantity)])
        )
    move = StockMove.objects.create(
        product_id=product_id,
        warehouse_id=warehouse_id,
        kind=kind,
        quantity=quantity,
        reference=reference,
        reason=reason,
        reason_code=reason_code,
        actor=actor,
    )
    if quantity > 0:
        _announce_available(product_id, warehouse_id)
    return move


def _announce_available(product_id: int, warehouse_id: int) -> None:
    transaction.on_commit(
        partial(
            stock_available.send,
            sender=StockLevel,
            product_id=product_id,
            warehouse_id=warehouse_id,
        )
    )


@transaction.atomic
def stock_adjust(
    *,
    product_id: int,
    warehouse_id: int,
    quantity: int,
    reason_code: str,
    comment: str = "",
    actor=None,
) -> StockMove:
    """Correct on hand by `quantity` (signed) with a reason code and a comment.

    Raises AdjustmentInvalid, InsufficientStock (never below what is reserved).
    """
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or quantity == 0
        or reason_code not in StockMove.ReasonCode.values
    ):
        raise AdjustmentInvalid()
    return stock_receive(
        product_id=product_id,
        warehouse_id=warehouse_id,
        quantity=quantity,
        kind=StockMove.Kind.ADJUSTMENT,
        reason=comment,
        reason_code=reason_code,
        actor=actor,
    )


@dataclass(frozen=True)
class Transfer:
    reference: str
    moves: tuple[StockMove, StockMove]


@transaction.atomic
def stock_transfer(
    *,
    product_id: int,
    from_warehouse_id: int,
    to_warehouse_id: int,
    quantity: int,
    comment: str = "",
    actor=None,
) -> Transfer:
    """Move available stock from one warehouse to another in one transaction.

    Raises TransferToSameWarehouse, QuantityInvalid, InsufficientStock.
    """
    _quantity_check(quantity)
    if from_warehouse_id == to_warehouse_id:
        raise TransferToSameWarehouse()
    StockLevel.objects.bulk_create(
        [StockLevel(product_id=product_id, warehouse_id=to_warehouse_id)], ignore_conflicts=True
    )
    levels = {
        level.warehouse_id: level
        for level in StockLevel.objects.select_for_update()
        .filter(product_id=product_id, warehouse_id__in=[from_warehouse_id, to_warehouse_id])
        .order_by("product_id", "warehouse_id")
    }
    source = levels.get(from_warehouse_id)
    if source is None or source.available < quantity:
        raise InsufficientStock(
            _describe_shortages([StockRequest(product_id, from_warehouse_id, quantity)])
        )
    StockLevel.objects.filter(pk=source.pk).update(on_hand=F("on_hand") - quantity)
    StockLevel.objects.filter(pk=levels[to_warehouse_id].pk).update(on_hand=F("on_hand") + quantity)
    reference = next_document_number("TR")
    moves = StockMove.objects.bulk_create(
        [
            StockMove(
                product_id=product_id,
                warehouse_id=from_warehouse_id,
                kind=StockMove.Kind.TRANSFER_OUT,
                quantity=-quantity,
                reference=reference,
                reason=comment,
                actor=actor,
            ),
            StockMove(
                product_id=product_id,
                warehouse_id=to_warehouse_id,
                kind=StockMove.Kind.TRANSFER_IN,
                quantity=quantity,
                reference=reference,
                reason=comment,
                actor=actor,
            ),
        ]
    )
    _announce_available(product_id, to_warehouse_id)
    return Transfer(reference=reference, moves=(moves[0], moves[1]))


@transaction.atomic
def stock_take_post(
    *, warehouse_id: int, counts: dict[int, int], comment: str = "", actor=None
) -> list[StockMove]:
    """Post a stock take: each counted product whose count differs from on hand gets an
    adjustment (reason: stock-take difference). Raises QuantityInvalid for a count below
    zero, InsufficientStock when a count is below what is reserved. All or nothing."""
    for count in counts.values():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise QuantityInvalid(quantity=count)
    on_hand = dict(
        StockLevel.objects.select_for_update()
        .filter(warehouse_id=warehouse_id, product_id__in=counts)
        .order_by("product_id", "warehouse_id")
        .values_list("product_id", "on_hand")
    )
    reference = next_document_number("ST")
    moves = []
    for product_id in sorted(counts):
        difference = counts[product_id] - on_hand.get(product_id, 0)
        if difference:
            moves.append(
                stock_receive(
                    product_id=product_id,
                    warehouse_id=warehouse_id,
                    quantity=difference,
                    kind=StockMove.Kind.ADJUSTMENT,
                    reference=reference,
                    reason=comment,
                    reason_code=StockMove.ReasonCode.COUNT,
                    actor=actor,
                )
            )
    return moves


@transaction.atomic
def stock_on_order_adjust(*, product_id: int, warehouse_id: int, quantity: int) -> None:
    """Count (positive) or uncount (negative) quantities on open purchase orders."""
    StockLevel.objects.bulk_create(
        [StockLevel(product_id=product_id, warehouse_id=warehouse_id)], ignore_conflicts=True
    )
    StockLevel.objects.filter(product_id=product_id, warehouse_id=warehouse_id).update(
        on_order=F("on_order") + quantity
    )


@transaction.atomic
def product_upsert(*, sku: str, **fields) -> tuple[Product, bool]:
    """Create the product with this SKU or change its master data; returns (product, created)."""
    product = Product.objects.select_for_update().filter(sku=sku).first()
    created = product is None
    if created:
        product = Product(sku=sku)
    for name, value in fields.items():
        setattr(product, name, value)
    product.full_clean()
    product.save()
    return product, created
