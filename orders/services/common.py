"""Shared pieces of the order services: locking, guards, the event row, line maths."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from inventory.services import StockRequest, stock_release
from opms.core.money import round_money
from opms.core.sql import rows_insert
from orders.errors import (
    OrderChangedConcurrently,
    OrderPermissionDenied,
    OrderTransitionNotAllowed,
)
from orders.integration.services import webhook_event_publish
from orders.models import (
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    WebhookSubscription,
)

ACTION_VERBS = {
    "submit": _("submitted"),
    "approve": _("approved"),
    "reject": _("rejected"),
    "cancel": _("cancelled"),
    "hold": _("put on hold"),
    "release_hold": _("released"),
    "ship": _("shipped"),
    "close": _("closed"),
    "edit": _("edited"),
    "revise": _("changed"),
}


def is_duplicate_external_order(error: Exception) -> bool:
    """Whether an IntegrityError is the (channel, external_id) uniqueness of orders: named
    by its constraint on PostgreSQL, by its columns on SQLite (the embedded default)."""
    text = str(error)
    return (
        "orders_salesorder_channel_external_id_unique" in text
        or "orders_salesorder.channel_id, orders_salesorder.external_id" in text
    )


def order_lock(*, order_id: int, expected_version: int | None = None) -> SalesOrder:
    """Lock the order row (the aggregate root) and check nobody changed it since it was shown."""
    order = (
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=order_id)
    )
    if expected_version is not None and order.version != expected_version:
        raise OrderChangedConcurrently(number=order.number)
    return order


def guard_transition(order: SalesOrder, method_name: str, actor, *, check_permission=True) -> None:
    """Refuse a transition that the state or the actor's role does not allow."""
    method = getattr(order, method_name)
    verb = ACTION_VERBS[method_name]
    if not can_proceed(method):
        raise OrderTransitionNotAllowed(
            number=order.number, action=verb, status=order.get_status_display()
        )
    if check_permission and actor is not None and not has_transition_perm(method, actor):
        raise OrderPermissionDenied(number=order.number, action=_action_infinitive(method_name))


def _action_infinitive(method_name: str) -> str:
    return {
        "submit": _("submit"),
        "approve": _("approve"),
        "reject": _("reject"),
        "cancel": _("cancel"),
        "hold": _("hold"),
        "release_hold": _("release"),
        "ship": _("ship"),
        "close": _("close"),
        "edit": _("edit"),
        "revise": _("change"),
    }[method_name]


def order_save(order: SalesOrder, fields: list[str]) -> None:
    """Save the changed fields and bump the version that concurrent editors compare."""
    # The row is locked by order_lock, so a plain increment is exact.
    order.version += 1
    order.save(update_fields=[*fields, "version", "updated_at"])


def _status_change_publish(
    order: SalesOrder, action: str, from_status: str, to_status: str, comment: str
) -> None:
    webhook_event_publish(
        event=WebhookSubscription.Event.ORDER_STATUS_CHANGED,
        channel_id=order.channel_id,
        payload={
            "number": order.number,
            "external_id": order.external_id,
            "from_status": str(from_status),
            "to_status": str(to_status),
            "action": str(action),
            "comment": comment,
        },
    )


def event_record(
    *,
    order: SalesOrder,
    action: str,
    actor,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    payload: dict | None = None,
) -> OrderEvent:
    """Write the timeline row; a change of status is also published to webhook subscribers."""
    if from_status and to_status and from_status != to_status:
        _status_change_publish(order, action, from_status, to_status, comment)
    return OrderEvent.objects.create(
        order=order,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        payload=payload or {},
    )


@dataclass(frozen=True)
class EventInput:
    """One timeline row for events_record."""

    action: str
    from_status: str = ""
    to_status: str = ""
    comment: str = ""
    payload: dict | None = None


def events_publish(*, order: SalesOrder, events: list[EventInput]) -> None:
    """Publish each change of status among ``events`` to webhook subscribers (an outbox
    row per delivery, sent after commit), as event_record does for one row."""
    for event in events:
        if event.from_status and event.to_status and event.from_status != event.to_status:
            _status_change_publish(
                order, event.action, event.from_status, event.to_status, event.comment
            )


def events_record(
    *, order: SalesOrder, actor, events: list[EventInput], published: bool = False
) -> list[OrderEvent]:
    """Write several timeline rows of one change in one statement (entered and submitted
    at once, submitted and held), published like event_record's unless the caller did it
    already (``published``: before it locked stock, to keep that lock short)."""
    if not published:
        events_publish(order=order, events=events)
    rows = [
        OrderEvent(
            order=order,
            action=event.action,
            actor=actor,
            from_status=event.from_status,
            to_status=event.to_status,
            comment=event.comment,
            payload=event.payload or {},
        )
        for event in events
    ]
    rows_insert(OrderEvent, rows)
    return rows


@dataclass(frozen=True)
class LineAmounts:
    lines_amount: Decimal
    discount_amount: Decimal
    net_amount: Decimal
    tax_amount: Decimal


def line_amounts(
    *,
    quantity: int,
    unit_price: Decimal,
    discount_percent: Decimal,
    tax_rate: Decimal,
    currency: str,
) -> LineAmounts:
    """Amounts of one line, each rounded half-up to the currency's minor unit."""
    gross = round_money(unit_price * quantity, currency)
    discount = round_money(gross * discount_percent / Decimal(100), currency)
    net = gross - discount
    tax = round_money(net * tax_rate, currency)
    return LineAmounts(gross, discount, net, tax)


def reservations_release(order: SalesOrder) -> None:
    """Give back the stock still held for the order, drop its reservations and backorders."""
    reservations = list(
        LineReservation.objects.filter(line__order=order, quantity__gt=0).order_by("pk")
    )
    backordered = list(
        SalesOrderLine.objects.filter(order=order, quantity_backordered__gt=0).order_by("pk")
    )
    if reservations or backordered:
        stock_release(
            requests=[StockRequest(r.product_id, r.warehouse_id, r.quantity) for r in reservations],
            backorders=[
                StockRequest(line.product_id, order.warehouse_id, line.quantity_backordered)
                for line in backordered
            ],
        )
    LineReservation.objects.filter(line__order=order).delete()
    if backordered:
        for line in backordered:
            line.quantity_backordered = 0
        SalesOrderLine.objects.bulk_update(backordered, ["quantity_backordered"])
