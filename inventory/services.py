"""Writes to stock: reserve, release, issue, receive, adjust. Each locks in a stable order."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from inventory.errors import InsufficientStock, StockLevelCorrupted
from inventory.models import Product, StockLevel, StockMove, Warehouse


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


@transaction.atomic
def stock_release(*, requests: list[StockRequest]) -> None:
    """Give reserved quantities back (order rejected or cancelled)."""
    for request in _sorted(requests):
        StockLevel.objects.filter(
            product_id=request.product_id, warehouse_id=request.warehouse_id
        ).update(reserved=F("reserved") - request.quantity)


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
    actor=None,
) -> StockMove:
    """Book stock in (or out, with a negative adjustment) through the ledger."""
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
    return StockMove.objects.create(
        product_id=product_id,
        warehouse_id=warehouse_id,
        kind=kind,
        quantity=quantity,
        reference=reference,
        reason=reason,
        actor=actor,
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
