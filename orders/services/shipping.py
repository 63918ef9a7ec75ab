"""Outbound shipments (出库单): create from open quantities, confirm, deliver, cancel."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from customers.credit import credit_check_lock
from inventory.models import Warehouse
from inventory.services import StockRequest, stock_issue
from opms.core.numbering import next_document_number
from orders.errors import (
    CreditLimitExceeded,
    OrderPermissionDenied,
    OrderTransitionNotAllowed,
    ShipmentEmpty,
    ShipmentExceedsReserved,
    ShipmentQuantityTooLarge,
    ShipmentTrackingNotAllowed,
    ShipmentTransitionNotAllowed,
)
from orders.integration.services import webhook_event_publish
from orders.models import (
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    WebhookSubscription,
)
from orders.services.common import event_record, guard_transition, order_lock, order_save


def _quantities_in_open_shipments(order: SalesOrder) -> dict[tuple[int, int], int]:
    """{(line, warehouse): quantity} on pick lists not shipped yet."""
    pending: dict[tuple[int, int], int] = {}
    for line_id, warehouse_id, quantity in ShipmentLine.objects.filter(
        shipment__order=order, shipment__status=Shipment.Status.DRAFT
    ).values_list("order_line_id", "shipment__warehouse_id", "quantity"):
        key = (line_id, warehouse_id)
        pending[key] = pending.get(key, 0) + quantity
    return pending


@transaction.atomic
def shipment_create(
    *, order_id: int, actor, quantities: dict[int, int], warehouse_id: int | None = None
) -> Shipment:
    """Create a pick list (出库单 to pick) for some or all reserved quantities of an approved
    order, from one warehouse (the order's unless given).

    Raises OrderTransitionNotAllowed, OrderPermissionDenied, ShipmentEmpty,
    ShipmentQuantityTooLarge, ShipmentExceedsReserved (backordered goods cannot ship yet).
    """
    order = order_lock(order_id=order_id)
    if not order.is_shippable:
        raise OrderTransitionNotAllowed(
            number=order.number, action=_("shipped"), status=order.get_status_display()
        )
    if not actor.has_perm("orders.add_shipment"):
        raise OrderPermissionDenied(number=order.number, action=_("ship"))
    wanted = {line_id: qty for line_id, qty in quantities.items() if qty and qty > 0}
    if not wanted:
        raise ShipmentEmpty()
    warehouse_id = warehouse_id or order.warehouse_id
    lines = {line.pk: line for line in order.lines.all()}
    pending = _quantities_in_open_shipments(order)
    reserved = dict(
        LineReservation.objects.filter(line__order=order, warehouse_id=warehouse_id).values_list(
            "line_id", "quantity"
        )
    )
    for line_id, quantity in sorted(wanted.items()):
        line = lines.get(line_id)
        if line is None:
            raise ShipmentEmpty()
        on_lists = sum(q for (pending_line, _w), q in pending.items() if pending_line == line_id)
        still_open = line.quantity_open - on_lists
        if quantity > still_open:
            raise ShipmentQuantityTooLarge(line=line.line_no, wanted=quantity, open=still_open)
        can_pick = reserved.get(line_id, 0) - pending.get((line_id, warehouse_id), 0)
        if quantity > can_pick:
            raise ShipmentExceedsReserved(
                line=line.line_no,
                wanted=quantity,
                reserved=max(can_pick, 0),
                warehouse=Warehouse.objects.get(pk=warehouse_id).name,
            )
    shipment = Shipment.objects.create(
        number=next_document_number("SH"),
        order=order,
        warehouse_id=warehouse_id,
        created_by=actor,
    )
    ShipmentLine.objects.bulk_create(
        [
            ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        ]
    )
    order_save(order, [])
    event_record(
        order=order,
        action=OrderEvent.Action.SHIPMENT_CREATED,
        actor=actor,
        comment=shipment.number,
        payload={"shipment": shipment.number},
    )
    return shipment


def _shipment_lock(shipment_id: int) -> tuple[SalesOrder, Shipment]:
    # Lock order first (the aggregate root), then the shipment: the same order
    # as every other order service, so they cannot deadlock.
    order_id = Shipment.objects.values_list("order_id", flat=True).get(pk=shipment_id)
    order = order_lock(order_id=order_id)
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    return order, shipment


def _guard_shipment(shipment: Shipment, method_name: str, actor, verb) -> None:
    method = getattr(shipment, method_name)
    if not can_proceed(method):
        raise ShipmentTransitionNotAllowed(
            number=shipment.number, action=verb, status=shipment.get_status_display()
        )
    if not has_transition_perm(method, actor):
        raise OrderPermissionDenied(number=shipment.order.number, action=verb)


@transaction.atomic
def shipment_confirm(
    *, shipment_id: int, actor, carrier_id: int | None = None, tracking_number: str = ""
) -> Shipment:
    """Confirm the goods left: reservations become outbound stock moves, the order moves on.

    Raises ShipmentTransitionNotAllowed, OrderPermissionDenied, ShipmentQuantityTooLarge.
    """
    order, shipment = _shipment_lock(shipment_id)
    _guard_shipment(shipment, "confirm", actor, _("shipped"))
    guard_transition(order, "ship", actor)
    credit_warning = _shipment_credit_check(order, actor)
    if order.status == SalesOrder.Status.ON_HOLD:
        return shipment
    shipment_lines = list(shipment.lines.all())
    lines = {
        line.pk: line
        for line in order.lines.select_for_update()
        .filter(pk__in=[sl.order_line_id for sl in shipment_lines])
        .order_by("pk")
    }
    reservations = {
        r.line_id: r
        for r in LineReservation.objects.select_for_update()
        .filter(line_id__in=lines, warehouse_id=shipment.warehouse_id)
        .order_by("pk")
    }
    for shipment_line in shipment_lines:
        line = lines[shipment_line.order_line_id]
        if shipment_line.quantity > line.quantity_open:
            raise ShipmentQuantityTooLarge(
                line=line.line_no, wanted=shipment_line.quantity, open=line.quantity_open
            )
        reservation = reservations.get(line.pk)
        if reservation is None or reservation.quantity < shipment_line.quantity:
            raise ShipmentExceedsReserved(
                line=line.line_no,
                wanted=shipment_line.quantity,
                reserved=reservation.quantity if reservation else 0,
                warehouse=shipment.warehouse.name,
            )
        line.quantity_shipped += shipment_line.quantity
        reservation.quantity -= shipment_line.quantity
    stock_issue(
        requests=[
            StockRequest(lines[sl.order_line_id].product_id, shipment.warehouse_id, sl.quantity)
            for sl in shipment_lines
        ],
        reference=shipment.number,
        actor=actor,
    )
    SalesOrderLine.objects.bulk_update(list(lines.values()), ["quantity_shipped"])
    LineReservation.objects.bulk_update(list(reservations.values()), ["quantity"])
    shipment.confirm(carrier_id=carrier_id, tracking_number=tracking_number)
    shipment.confirmed_by = actor
    shipment.save(
        update_fields=["status", "carrier", "tracking_number", "confirmed_at", "confirmed_by"]
    )
    webhook_event_publish(
        event=WebhookSubscription.Event.SHIPMENT_CONFIRMED,
        channel_id=order.channel_id,
        payload=shipment_payload(order, shipment),
    )
    fully_shipped = not order.lines.exclude(quantity_shipped__gte=F("quantity")).exists()
    from_status = order.status
    order.ship(fully_shipped=fully_shipped)
    order_save(order, ["status", "shipped_at"])
    event_record(
        order=order,
        action=OrderEvent.Action.SHIPPED,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=shipment.number,
        payload={
            "shipment": shipment.number,
            "tracking_number": tracking_number,
            "lines": {str(lines[sl.order_line_id].line_no): sl.quantity for sl in shipment_lines},
            **({"credit_warning": credit_warning} if credit_warning else {}),
        },
    )
    return shipment


def _shipment_credit_check(order: SalesOrder, actor) -> str:
    """The credit checkpoint at shipment (policy.shipment_check); returns a warning or "".

    Block holds an order that has shipped nothing (the confirmation then does not
    happen; finance releases it with a reason) and refuses one partly shipped. An order
    finance already released from a credit hold, or paid in advance, ships.
    """
    open_value = order.total_amount - order.invoiced_amount
    # Lock order: the order row (taken by _shipment_lock) before the customer row.
    _customer, credit = credit_check_lock(
        customer_id=order.customer_id,
        order_amount=open_value,
        checkpoint="shipment",
        is_prepaid=order.paid_amount >= order.total_amount,
        already_counted=open_value,
    )
    if not credit.trips:
        return ""
    if _released_from_credit_hold(order):
        return ""
    if not credit.blocks:
        return credit.reason
    if order.status not in SalesOrder.HOLDABLE:
        raise CreditLimitExceeded(number=order.number, reason=credit.reason)
    from_status = order.status
    order.hold(reason=credit.reason)
    order_save(order, ["status", "held_from_status"])
    event_record(
        order=order,
        action=OrderEvent.Action.HELD,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=credit.reason,
        payload={"credit": True},
    )
    return credit.reason


def _released_from_credit_hold(order: SalesOrder) -> bool:
    return any(
        (event.payload or {}).get("credit")
        for event in order.events.filter(action=OrderEvent.Action.HELD).only("payload")
    )


@transaction.atomic
def shipment_deliver(*, shipment_id: int, actor) -> Shipment:
    """Mark a shipped delivery as received by the customer."""
    order, shipment = _shipment_lock(shipment_id)
    _guard_shipment(shipment, "deliver", actor, _("delivered"))
    shipment.deliver()
    shipment.save(update_fields=["status", "delivered_at"])
    event_record(
        order=order,
        action=OrderEvent.Action.DELIVERED,
        actor=actor,
        comment=shipment.number,
        payload={"shipment": shipment.number},
    )
    return shipment


@transaction.atomic
def shipment_cancel(*, shipment_id: int, actor) -> Shipment:
    """Drop a pick list that has not shipped; its quantities are open again."""
    order, shipment = _shipment_lock(shipment_id)
    _guard_shipment(shipment, "cancel", actor, _("cancelled"))
    shipment.cancel()
    shipment.save(update_fields=["status"])
    order_save(order, [])
    event_record(
        order=order,
        action=OrderEvent.Action.SHIPMENT_CANCELLED,
        actor=actor,
        comment=shipment.number,
        payload={"shipment": shipment.number},
    )
    return shipment


def shipment_payload(order: SalesOrder, shipment: Shipment) -> dict:
    """What webhook receivers learn about a shipment."""
    return {
        "number": shipment.number,
        "order": order.number,
        "external_id": order.external_id,
        "status": str(shipment.status),
        "carrier": shipment.carrier.code if shipment.carrier_id else "",
        "tracking_number": shipment.tracking_number,
    }


@transaction.atomic
def shipment_tracking_update(
    *, shipment_id: int, actor, carrier_id: int | None, tracking_number: str
) -> Shipment:
    """Record a shipped shipment's carrier and tracking number (e.g. from a logistics system).

    Raises ShipmentTrackingNotAllowed (not shipped yet or cancelled), OrderPermissionDenied.
    """
    order, shipment = _shipment_lock(shipment_id)
    if not actor.has_perm("orders.confirm_shipment"):
        raise OrderPermissionDenied(number=order.number, action=_("update tracking of"))
    if shipment.status not in (Shipment.Status.CONFIRMED, Shipment.Status.DELIVERED):
        raise ShipmentTrackingNotAllowed(
            number=shipment.number, status=shipment.get_status_display()
        )
    if (shipment.carrier_id, shipment.tracking_number) == (carrier_id, tracking_number):
        return shipment
    old = shipment.tracking_number
    shipment.carrier_id = carrier_id
    shipment.tracking_number = tracking_number
    shipment.save(update_fields=["carrier", "tracking_number"])
    event_record(
        order=order,
        action=OrderEvent.Action.TRACKING_UPDATED,
        actor=actor,
        comment=shipment.number,
        payload={"shipment": shipment.number, "old": old, "tracking_number": tracking_number},
    )
    webhook_event_publish(
        event=WebhookSubscription.Event.TRACKING_UPDATED,
        channel_id=order.channel_id,
        payload=shipment_payload(order, shipment),
    )
    return shipment
