"""The stock and money invariants of DESIGN.md, checked after a busy day of full lifecycles."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum

from customers.models import Customer
from finance.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from finance.services import invoice_create, invoice_issue, payment_allocate, payment_record
from inventory.models import StockLevel, StockMove
from inventory.services import stock_receive
from opms.core.money import ZERO
from orders.models import LineReservation, SalesOrder, SalesOrderLine
from orders.services import (
    order_approve,
    order_cancel,
    order_reject,
    order_submit,
    shipment_cancel,
    shipment_confirm,
    shipment_create,
)
from tests.conftest import stocked_product
from tests.factories import CustomerFactory

Status = SalesOrder.Status
# Invoices that count as owed by the customer (issued, whatever has been paid since).
OWED = [Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID]


def ship(order, actor, quantities: dict[int, int]):
    """Create and confirm a shipment of {line_no: quantity}."""
    by_number = dict(SalesOrderLine.objects.filter(order=order).values_list("line_no", "pk"))
    shipment = shipment_create(
        order_id=order.pk,
        actor=actor,
        quantities={by_number[number]: quantity for number, quantity in quantities.items()},
    )
    return shipment_confirm(shipment_id=shipment.pk, actor=actor)


def bill(order, users, basis: str = "shipped") -> Invoice:
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis=basis)
    return invoice_issue(invoice_id=invoice.pk, actor=users["finance"])


@pytest.fixture
def busy_day(users, make_order, customer, warehouse):
    """Several orders driven through the services: closed, partial, cancelled, rejected."""
    rack = stocked_product(warehouse, 300, list_price_amount=Decimal("320.00"))
    bolt = stocked_product(warehouse, 200, list_price_amount=Decimal("35.50"))
    motor = stocked_product(warehouse, 50, list_price_amount=Decimal("999.99"))
    sales, warehouse_user, finance = users["sales"], users["warehouse"], users["finance"]

    # Approved after review, shipped in three parts, invoiced twice, paid with change.
    big = make_order([(rack, 100), (motor, 20)])
    order_submit(order_id=big.pk, actor=sales)
    order_approve(order_id=big.pk, actor=users["approver"], comment="ok")
    ship(big, warehouse_user, {1: 40})
    first_invoice = bill(big, users)
    ship(big, warehouse_user, {1: 60, 2: 10})
    ship(big, warehouse_user, {2: 10})
    second_invoice = bill(big, users)
    payment_record(
        customer=customer,
        amount=first_invoice.total_amount + Decimal("250.00"),
        actor=finance,
        allocate_to=first_invoice,
    )
    payment_record(
        customer=customer,
        amount=second_invoice.total_amount,
        actor=finance,
        allocate_to=second_invoice,
    )
    big.refresh_from_db()
    assert big.status == Status.CLOSED

    # Approved at once; a pick list dropped, part shipped, billed, part paid, rest prepaid.
    small = make_order([(bolt, 10), (rack, 6)])
    order_submit(order_id=small.pk, actor=sales)
    dropped = shipment_create(
        order_id=small.pk,
        actor=warehouse_user,
        quantities=dict.fromkeys(small.lines.values_list("pk", flat=True), 1),
    )
    shipment_cancel(shipment_id=dropped.pk, actor=warehouse_user)
    ship(small, warehouse_user, {1: 4, 2: 1})
    shipped_invoice = bill(small, users)
    payment = payment_record(customer=customer, amount=Decimal("500.00"), actor=finance)
    payment_allocate(
        payment_id=payment.pk,
        invoice_id=shipped_invoice.pk,
        amount=Decimal("100.00"),
        actor=finance,
    )
    prepaid_invoice = bill(small, users, basis="ordered")
    payment_allocate(
        payment_id=payment.pk,
        invoice_id=prepaid_invoice.pk,
        amount=Decimal("399.99"),
        actor=finance,
    )

    # Approved, then cancelled with its reservations.
    cancelled = make_order([(rack, 5), (bolt, 5)])
    order_submit(order_id=cancelled.pk, actor=sales)
    order_cancel(order_id=cancelled.pk, actor=users["manager"], comment="lost deal")

    # A big discount needs approval; the approver rejects it.
    rejected = make_order([(motor, 10), (bolt, 3)], discount_percent=Decimal("15"))
    order_submit(order_id=rejected.pk, actor=sales)
    order_reject(order_id=rejected.pk, actor=users["approver"], comment="discount too big")

    # Still open: one approved and waiting, one draft, one prepaid by another customer.
    waiting = make_order([(rack, 7), (motor, 3)])
    order_submit(order_id=waiting.pk, actor=sales)
    make_order([(rack, 1)])
    other = CustomerFactory()
    prepaid = make_order([(bolt, 2)], customer_=other)
    order_submit(order_id=prepaid.pk, actor=sales)
    bill(prepaid, users, basis="ordered")
    payment_record(customer=other, amount=Decimal("1000.00"), actor=finance)

    # The warehouse books a receipt and a stock-take loss.
    stock_receive(product_id=motor.pk, warehouse_id=warehouse.pk, quantity=5, reference="PO-1")
    stock_receive(
        product_id=bolt.pk,
        warehouse_id=warehouse.pk,
        quantity=-3,
        kind=StockMove.Kind.ADJUSTMENT,
        reason="stock take",
    )
    return {"rack": rack, "bolt": bolt, "motor": motor}


def test_the_day_left_stock_where_the_documents_say(busy_day, warehouse):
    levels = {
        sku: StockLevel.objects.values_list("on_hand", "reserved").get(
            product=product, warehouse=warehouse
        )
        for sku, product in busy_day.items()
    }

    assert levels == {
        "rack": (300 - 100 - 1, 5 + 7),
        "bolt": (200 - 4 - 3, 6 + 2),
        "motor": (50 - 20 + 5, 3),
    }


def test_on_hand_equals_the_ledger_and_reserved_the_open_reservations(busy_day):
    moves = defaultdict(int)
    for product_id, warehouse_id, quantity in StockMove.objects.values_list(
        "product_id", "warehouse_id", "quantity"
    ):
        moves[product_id, warehouse_id] += quantity
    reservations = defaultdict(int)
    for product_id, warehouse_id, quantity in LineReservation.objects.values_list(
        "product_id", "warehouse_id", "quantity"
    ):
        reservations[product_id, warehouse_id] += quantity

    for level in StockLevel.objects.all():
        key = (level.product_id, level.warehouse_id)
        assert level.on_hand == moves[key], level
        assert level.reserved == reservations[key], level
        assert 0 <= level.reserved <= level.on_hand, level


def test_each_reservation_holds_exactly_what_its_line_still_has_to_ship(busy_day):
    held = {
        line.pk: line.quantity_open
        for line in SalesOrderLine.objects.filter(
            order__status__in=[Status.PENDING_APPROVAL, Status.APPROVED, Status.PARTIALLY_SHIPPED]
        )
    }
    shipped_out = SalesOrderLine.objects.filter(order__status__in=[Status.SHIPPED, Status.CLOSED])

    assert dict(LineReservation.objects.exclude(quantity=0).values_list("line_id", "quantity")) == {
        line_id: quantity for line_id, quantity in held.items() if quantity
    }
    assert not LineReservation.objects.filter(
        line__order__status__in=[Status.DRAFT, Status.CANCELLED]
    ).exists()
    assert all(line.quantity_open == 0 for line in shipped_out)


def test_allocations_never_exceed_invoices_or_payments(busy_day):
    by_invoice = dict(
        PaymentAllocation.objects.values("invoice")
        .annotate(total=Sum("amount"))
        .values_list("invoice", "total")
    )
    by_payment = dict(
        PaymentAllocation.objects.values("payment")
        .annotate(total=Sum("amount"))
        .values_list("payment", "total")
    )

    invoices = list(Invoice.objects.all())
    payments = list(Payment.objects.all())
    assert len(invoices) == 5
    for invoice in invoices:
        assert invoice.allocated_amount <= invoice.total_amount, invoice
        assert invoice.allocated_amount == by_invoice.get(invoice.pk, ZERO), invoice
    for payment in payments:
        assert payment.allocated_amount <= payment.amount, payment
        assert payment.allocated_amount == by_payment.get(payment.pk, ZERO), payment
    unallocated = sum((p.unallocated_amount for p in payments), ZERO)
    assert unallocated == Decimal("250.00") + Decimal("0.01") + Decimal("1000.00")


def test_invoices_add_up_from_their_lines(busy_day):
    for invoice in Invoice.objects.all():
        lines = InvoiceLine.objects.filter(invoice=invoice).aggregate(
            net=Sum("net_amount"), tax=Sum("tax_amount")
        )
        assert (lines["net"], lines["tax"]) == (invoice.net_amount, invoice.tax_amount), invoice
        assert invoice.total_amount == invoice.net_amount + invoice.tax_amount, invoice


def test_orders_carry_what_their_invoices_and_allocations_say(busy_day):
    for order in SalesOrder.objects.all():
        owed = Invoice.objects.filter(order=order, status__in=OWED)
        invoiced = owed.aggregate(total=Sum("total_amount"))["total"] or ZERO
        paid = (
            PaymentAllocation.objects.filter(invoice__order=order).aggregate(total=Sum("amount"))[
                "total"
            ]
            or ZERO
        )
        assert order.invoiced_amount == invoiced, order
        assert order.paid_amount == paid, order
        assert order.paid_amount <= order.invoiced_amount <= order.total_amount, order


def test_customer_receivable_is_issued_invoices_less_allocated_payments(busy_day):
    for customer in Customer.objects.all():
        issued = (
            Invoice.objects.filter(customer=customer, status__in=OWED).aggregate(
                total=Sum("total_amount")
            )["total"]
            or ZERO
        )
        allocated = (
            PaymentAllocation.objects.filter(invoice__customer=customer).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )

        assert customer.receivable_amount == issued - allocated, customer


def test_customer_open_orders_are_submitted_orders_not_yet_invoiced(busy_day):
    for customer in Customer.objects.all():
        submitted = SalesOrder.objects.filter(customer=customer).exclude(
            status__in=[Status.DRAFT, Status.CANCELLED]
        )
        expected = sum((o.total_amount - o.invoiced_amount for o in submitted), ZERO)

        assert customer.open_order_amount == expected, customer
