"""The whole order journey through the services: entry to close."""

from decimal import Decimal

from finance.services import invoice_create, invoice_issue, payment_record
from orders.models import SalesOrder
from orders.services import order_approve, order_submit, shipment_confirm, shipment_create


def test_order_goes_from_entry_to_closed(users, products, make_order, carrier):
    order = make_order([(products[0], 100), (products[1], 50), (products[2], 20)])
    order = order_submit(order_id=order.pk, actor=users["sales"])
    assert order.status == SalesOrder.Status.PENDING_APPROVAL
    order = order_approve(order_id=order.pk, actor=users["approver"], comment="ok")
    assert order.status == SalesOrder.Status.APPROVED
    lines = list(order.lines.order_by("line_no"))
    first = shipment_create(
        order_id=order.pk, actor=users["warehouse"], quantities={lines[0].pk: 10}
    )
    shipment_confirm(
        shipment_id=first.pk, actor=users["warehouse"], carrier_id=carrier.pk, tracking_number="1"
    )
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.PARTIALLY_SHIPPED
    rest = shipment_create(
        order_id=order.pk,
        actor=users["warehouse"],
        quantities={line.pk: line.quantity_open for line in order.lines.all()},
    )
    shipment_confirm(shipment_id=rest.pk, actor=users["warehouse"], carrier_id=carrier.pk)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.SHIPPED
    invoice = invoice_create(order_id=order.pk, actor=users["finance"])
    invoice = invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    assert invoice.total_amount == order.total_amount
    payment_record(
        customer=order.customer,
        amount=invoice.total_amount + Decimal("5.00"),
        actor=users["finance"],
        allocate_to=invoice,
    )
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CLOSED
    order.customer.refresh_from_db()
    assert order.customer.receivable_amount == Decimal("0.00")
    assert order.customer.open_order_amount == Decimal("0.00")
