"""A received return becomes a credit note against the order's invoice, once."""

from decimal import Decimal

import pytest

from finance.models import CreditNote, Invoice
from finance.services import (
    credit_note_for_return,
    invoice_create,
    invoice_issue,
    returns_credit_pending,
)
from finance.tasks import return_credit_task
from orders.services import (
    order_submit,
    return_approve,
    return_receive,
    return_request,
    shipment_confirm,
    shipment_create,
)


@pytest.fixture
def received(users, make_order, products):
    order = make_order([(products[0], 10)])
    order = order_submit(order_id=order.pk, actor=users["sales"])
    line = order.lines.get()
    shipment = shipment_create(
        order_id=order.pk, actor=users["warehouse"], quantities={line.pk: 10}
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"])
    invoice_issue(invoice_id=invoice.pk, actor=users["finance"])

    def receive():
        sales_return = return_request(
            order_id=order.pk, actor=users["sales"], quantities={line.pk: 2}, reason="broken"
        )
        return_approve(return_id=sales_return.pk, actor=users["approver"], comment="ok")
        return return_receive(
            return_id=sales_return.pk,
            actor=users["warehouse"],
            conditions={sales_return.lines.get().pk: "restock"},
        )

    return order, invoice, receive


def test_a_received_return_is_credited_once_against_the_open_invoice(
    received, users, django_capture_on_commit_callbacks
):
    order, invoice, receive = received
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sales_return = receive()
    # The signal's receiver queued the credit task (a worker runs it; here we call it).
    queued = [c.args[0] for c in callbacks if getattr(c, "args", None)]
    assert return_credit_task in queued
    note = credit_note_for_return(return_id=sales_return.pk, actor=users["warehouse"])
    again = credit_note_for_return(return_id=sales_return.pk, actor=users["warehouse"])
    assert note.pk == again.pk
    assert CreditNote.objects.count() == 1
    assert note.source_reference == sales_return.number
    # 2 × 320.00 net + 13 % VAT.
    assert note.total_amount == Decimal("723.20") == sales_return.total_amount
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice.open_amount == invoice.total_amount - Decimal("723.20")


def test_the_sweep_credits_returns_whose_task_was_lost(received):
    _order, _invoice, receive = received
    sales_return = receive()
    assert CreditNote.objects.count() == 0
    assert returns_credit_pending() == 1
    assert returns_credit_pending() == 0
    assert CreditNote.objects.get().source_reference == sales_return.number
