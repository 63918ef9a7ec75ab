"""Backorders: reserve arriving stock for waiting order lines, first come first served."""

from django.db import transaction
from django.db.models import F

from inventory.services import stock_backorders_reserve
from orders.models import LineReservation, OrderEvent, SalesOrder, SalesOrderLine
from orders.services.common import event_record, order_save

# Orders whose backorders still wait for stock (they keep their reservations).
WAITING = [
    SalesOrder.Status.PENDING_APPROVAL,
    SalesOrder.Status.APPROVED,
    SalesOrder.Status.PARTIALLY_SHIPPED,
    SalesOrder.Status.ON_HOLD,
]


def _waiting_lines(product_id: int, warehouse_id: int):
    # First come first served: priority orders, then by order date, then submission.
    return (
        SalesOrderLine.objects.filter(
            product_id=product_id,
            quantity_backordered__gt=0,
            order__warehouse_id=warehouse_id,
            order__status__in=WAITING,
        )
        .select_related("order")
        .order_by(
            "-order__is_priority", "order__order_date", "order__submitted_at", "order_id", "pk"
        )
    )


@transaction.atomic
def backorders_reserve(*, product_id: int, warehouse_id: int, actor=None) -> dict[str, int]:
    """Reserve the available stock of a product in a warehouse for the lines waiting on it.

    Priority orders first, then the oldest order date. Returns {order number: reserved}.
    """
    order_ids = sorted({line.order_id for line in _waiting_lines(product_id, warehouse_id)})
    if not order_ids:
        return {}
    # Lock order: the orders (aggregate roots, by primary key) before the stock row.
    list(
        SalesOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=order_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lines = list(_waiting_lines(product_id, warehouse_id).filter(order_id__in=order_ids))
    granted = stock_backorders_reserve(
        product_id=product_id,
        warehouse_id=warehouse_id,
        wanted=[line.quantity_backordered for line in lines],
    )
    served = [(line, quantity) for line, quantity in zip(lines, granted, strict=True) if quantity]
    if not served:
        return {}
    existing = {
        reservation.line_id: reservation
        for reservation in LineReservation.objects.filter(
            line_id__in=[line.pk for line, _quantity in served], warehouse_id=warehouse_id
        )
    }
    result: dict[str, int] = {}
    for line, quantity in served:
        if line.pk in existing:
            LineReservation.objects.filter(pk=existing[line.pk].pk).update(
                quantity=F("quantity") + quantity
            )
        else:
            LineReservation.objects.create(
                line=line, product_id=product_id, warehouse_id=warehouse_id, quantity=quantity
            )
        line.quantity_backordered -= quantity
        result[line.order.number] = result.get(line.order.number, 0) + quantity
    SalesOrderLine.objects.bulk_update([line for line, _q in served], ["quantity_backordered"])
    for order in {line.order_id: line.order for line, _q in served}.values():
        order_save(order, [])
        event_record(
            order=order,
            action=OrderEvent.Action.BACKORDER_RESERVED,
            actor=actor,
            payload={
                "lines": {
                    str(line.line_no): quantity
                    for line, quantity in served
                    if line.order_id == order.pk
                }
            },
        )
    return result
