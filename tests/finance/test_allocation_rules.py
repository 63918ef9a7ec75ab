"""Rules where finance and the order meet: prepaid orders, stale invoice reads."""

from decimal import Decimal

import pytest

from finance.models import Invoice
from finance.services import invoice_create, invoice_issue, payment_record
from orders.errors import OrderHasInvoices
from orders.models import SalesOrder
from orders.services import order_cancel, order_submit


def test_an_order_with_an_issued_invoice_cannot_be_cancelled(users, products, make_order):
    order = make_order([(products[1], 10)])
    order_submit(order_id=order.pk, actor=users["sales"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    with pytest.raises(OrderHasInvoices):
        order_cancel(order_id=order.pk, actor=users["manager"], comment="客户取消")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED
    assert order.lines.get().reservations.get().quantity == 10


def test_payment_allocates_what_the_invoice_owes_now_not_what_the_caller_read(
    users, products, make_order, customer
):
    order = make_order([(products[1], 10)])
    order_submit(order_id=order.pk, actor=users["sales"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    invoice = invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    stale = Invoice.objects.get(pk=invoice.pk)
    payment_record(
        customer=customer, amount=Decimal("100.00"), actor=users["finance"], allocate_to=invoice
    )
    second = payment_record(
        customer=customer, amount=invoice.total_amount, actor=users["finance"], allocate_to=stale
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert second.allocated_amount == invoice.total_amount - Decimal("100.00")
    assert second.unallocated_amount == Decimal("100.00")
