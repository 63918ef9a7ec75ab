"""Settlement of an order: invoices and payments recorded by finance, and closing."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from customers.services import customer_exposure_adjust
from orders.errors import InvoiceQuantityTooLarge, OrderTransitionNotAllowed
from orders.integration.services import webhook_event_publish
from orders.models import OrderEvent, SalesOrder, SalesOrderLine, WebhookSubscription
from orders.services.common import event_record, order_lock, order_save


@transaction.atomic
def order_record_invoice(
    *, order_id: int, line_quantities: dict[int, int], amount: Decimal, reference: str, actor
) -> SalesOrder:
    """Record that an invoice was issued for these line quantities (called by finance).

    The invoiced amount leaves the customer's open-order exposure (finance moves it
    to receivables). Raises OrderTransitionNotAllowed (the order is not approved, e.g.
    cancelled after the invoice was drafted), InvoiceQuantityTooLarge.
    """
    order = order_lock(order_id=order_id)
    if not order.is_invoiceable:
        raise OrderTransitionNotAllowed(
            number=order.number, action=_("invoiced"), status=order.get_status_display()
        )
    lines = {
        line.pk: line
        for line in order.lines.select_for_update().filter(pk__in=line_quantities).order_by("pk")
    }
    for line_id, quantity in sorted(line_quantities.items()):
        line = lines[line_id]
        if line.quantity_invoiced + quantity > line.quantity:
            raise InvoiceQuantityTooLarge(
                line=line.line_no, wanted=quantity, open=line.quantity - line.quantity_invoiced
            )
        line.quantity_invoiced += quantity
    SalesOrderLine.objects.bulk_update(list(lines.values()), ["quantity_invoiced"])
    order.invoiced_amount += amount
    order_save(order, ["invoiced_amount"])
    customer_exposure_adjust(customer_id=order.customer_id, open_order_delta=-amount)
    event_record(
        order=order,
        action=OrderEvent.Action.INVOICED,
        actor=actor,
        comment=reference,
        payload={"invoice": reference, "amount": str(amount)},
    )
    webhook_event_publish(
        event=WebhookSubscription.Event.INVOICE_ISSUED,
        channel_id=order.channel_id,
        payload={
            "order": order.number,
            "external_id": order.external_id,
            "invoice": reference,
            "amount": str(amount),
            "currency": order.currency,
            "invoiced_amount": str(order.invoiced_amount),
        },
    )
    return order


@transaction.atomic
def order_record_payment(*, order_id: int, amount: Decimal, reference: str, actor) -> SalesOrder:
    """Record money allocated to this order's invoices; close the order when it is settled."""
    order = order_lock(order_id=order_id)
    order.paid_amount += amount
    order_save(order, ["paid_amount"])
    event_record(
        order=order,
        action=OrderEvent.Action.PAID,
        actor=actor,
        comment=reference,
        payload={"reference": reference, "amount": str(amount)},
    )
    webhook_event_publish(
        event=WebhookSubscription.Event.PAYMENT_RECEIVED,
        channel_id=order.channel_id,
        payload={
            "order": order.number,
            "external_id": order.external_id,
            "reference": reference,
            "amount": str(amount),
            "currency": order.currency,
            "paid_amount": str(order.paid_amount),
        },
    )
    _close_if_settled(order)
    return order


def _close_if_settled(order: SalesOrder) -> bool:
    if order.status != SalesOrder.Status.SHIPPED or not order.is_settled():
        return False
    from_status = order.status
    order.close()
    order_save(order, ["status", "closed_at"])
    event_record(
        order=order,
        action=OrderEvent.Action.CLOSED,
        actor=None,
        from_status=from_status,
        to_status=order.status,
        comment=_("Closed automatically: shipped, invoiced and paid in full."),
    )
    return True


@transaction.atomic
def order_close(*, order_id: int) -> bool:
    """Close the order if it is fully shipped, invoiced and paid (done by the system)."""
    order = order_lock(order_id=order_id)
    return _close_if_settled(order)


def orders_close_completed() -> int:
    """Close every settled shipped order; safe to run twice. Returns how many closed."""
    candidates = SalesOrder.objects.filter(status=SalesOrder.Status.SHIPPED).values_list(
        "pk", flat=True
    )
    return sum(order_close(order_id=pk) for pk in candidates)
