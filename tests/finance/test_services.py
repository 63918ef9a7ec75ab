"""Finance services: invoices from orders, payments, allocations (核销) and the order closing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer
from finance.errors import (
    AllocationCustomerMismatch,
    AllocationTooLarge,
    AmountNotPositive,
    FinancePermissionDenied,
    InvoiceTransitionNotAllowed,
    NothingToInvoice,
)
from finance.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from finance.services import (
    invoice_create,
    invoice_issue,
    invoice_void,
    payment_allocate,
    payment_record,
)
from orders.errors import OrderTransitionNotAllowed
from orders.models import OrderEvent, SalesOrder, SalesOrderLine
from orders.services import (
    order_approve,
    order_cancel,
    order_hold,
    order_submit,
    shipment_confirm,
    shipment_create,
)
from tests.factories import CustomerFactory

Status = SalesOrder.Status
CLOSED_AUTOMATICALLY = "Closed automatically: shipped, invoiced and paid in full."


@pytest.fixture
def order(make_order, products, users):
    """Approved: line 1 is 10 × 320.00 (3,616.00 with tax), line 2 is 4 × 35.50 (160.46)."""
    draft = make_order([(products[0], 10), (products[1], 4)])
    return order_submit(order_id=draft.pk, actor=users["sales"])


def lines_of(order) -> list[SalesOrderLine]:
    return list(SalesOrderLine.objects.filter(order_id=order.pk).order_by("line_no"))


def ship(order, actor, quantities: dict[int, int]) -> None:
    """Ship {line_no: quantity} of the order."""
    by_number = {line.line_no: line.pk for line in lines_of(order)}
    shipment = shipment_create(
        order_id=order.pk,
        actor=actor,
        quantities={by_number[number]: quantity for number, quantity in quantities.items()},
    )
    shipment_confirm(shipment_id=shipment.pk, actor=actor)


def issued_invoice(order, users, basis: str = "shipped") -> Invoice:
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis=basis)
    return invoice_issue(invoice_id=invoice.pk, actor=users["finance"])


def exposure(customer) -> tuple[Decimal, Decimal]:
    customer.refresh_from_db()
    return customer.open_order_amount, customer.receivable_amount


def books() -> dict:
    """Every row finance services touch, to prove a refusal changed nothing."""
    return {
        "invoices": list(Invoice.objects.order_by("pk").values()),
        "invoice_lines": list(InvoiceLine.objects.order_by("pk").values()),
        "payments": list(Payment.objects.order_by("pk").values()),
        "allocations": list(PaymentAllocation.objects.order_by("pk").values()),
        "orders": list(SalesOrder.objects.order_by("pk").values()),
        "order_lines": list(SalesOrderLine.objects.order_by("pk").values()),
        "events": list(OrderEvent.objects.order_by("pk").values()),
        "customers": list(
            Customer.objects.order_by("pk").values("pk", "open_order_amount", "receivable_amount")
        ),
    }


# invoice_create


def test_invoice_create_bills_the_shipped_quantities(order, users, products):
    ship(order, users["warehouse"], {1: 6})

    invoice = invoice_create(order_id=order.pk, actor=users["finance"])

    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.number.startswith("INV-")
    assert (invoice.customer_id, invoice.currency, invoice.created_by) == (
        order.customer_id,
        "CNY",
        users["finance"],
    )
    assert (invoice.net_amount, invoice.tax_amount, invoice.total_amount) == (
        Decimal("1920.00"),
        Decimal("249.60"),
        Decimal("2169.60"),
    )
    assert list(
        invoice.lines.values_list(
            "order_line__line_no", "description", "quantity", "unit_price_amount"
        )
    ) == [(1, f"{products[0].sku} {products[0].name}", 6, Decimal("320.00"))]
    order.refresh_from_db()
    assert order.invoiced_amount == Decimal("0.00")
    assert exposure(order.customer) == (Decimal("3776.46"), Decimal("0.00"))


def test_invoice_create_for_prepayment_bills_the_ordered_quantities(order, users):
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")

    assert list(
        invoice.lines.order_by("pk").values_list("quantity", "net_amount", "tax_amount")
    ) == [
        (10, Decimal("3200.00"), Decimal("416.00")),
        (4, Decimal("142.00"), Decimal("18.46")),
    ]
    assert invoice.total_amount == order.total_amount == Decimal("3776.46")


def test_invoice_create_with_nothing_shipped_is_refused(order, users):
    before = books()

    with pytest.raises(NothingToInvoice) as refused:
        invoice_create(order_id=order.pk, actor=users["finance"])

    assert str(refused.value) == f"Order {order.number} has nothing left to invoice."
    assert books() == before


def test_invoice_create_does_not_bill_quantities_on_a_draft_invoice_twice(order, users):
    ship(order, users["warehouse"], {1: 6})
    invoice_create(order_id=order.pk, actor=users["finance"])
    before = books()

    with pytest.raises(NothingToInvoice):
        invoice_create(order_id=order.pk, actor=users["finance"])

    assert books() == before


def test_voided_draft_invoice_frees_its_quantities(order, users):
    ship(order, users["warehouse"], {1: 6})
    draft = invoice_create(order_id=order.pk, actor=users["finance"])

    invoice_void(invoice_id=draft.pk, actor=users["finance"], reason="wrong address")
    again = invoice_create(order_id=order.pk, actor=users["finance"])

    assert Invoice.objects.get(pk=draft.pk).status == Invoice.Status.VOID
    assert (again.total_amount, list(again.lines.values_list("quantity", flat=True))) == (
        Decimal("2169.60"),
        [6],
    )


def test_invoice_create_by_sales_is_refused(order, users):
    ship(order, users["warehouse"], {1: 6})
    before = books()

    with pytest.raises(FinancePermissionDenied):
        invoice_create(order_id=order.pk, actor=users["sales"])

    assert books() == before


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("draft", "Draft"),
        ("pending_approval", "Pending approval"),
        ("on_hold", "On hold"),
        ("cancelled", "Cancelled"),
    ],
)
def test_invoice_create_for_an_order_that_is_not_approved_is_refused(
    make_order, products, users, state, label
):
    target = make_order([(products[0], 100), (products[2], 20)])
    if state in ("pending_approval", "on_hold"):
        order_submit(order_id=target.pk, actor=users["sales"])
    if state == "on_hold":
        order_approve(order_id=target.pk, actor=users["approver"])
        order_hold(order_id=target.pk, actor=users["manager"], comment="credit")
    if state == "cancelled":
        order_cancel(order_id=target.pk, actor=users["sales"], comment="duplicate")
    before = books()

    with pytest.raises(OrderTransitionNotAllowed) as refused:
        invoice_create(order_id=target.pk, actor=users["finance"], basis="ordered")

    assert str(refused.value) == f"Order {target.number} cannot be invoiced while it is {label}."
    assert books() == before


def test_issuing_a_draft_invoice_of_an_order_cancelled_since_is_refused(order, users):
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    order_cancel(order_id=order.pk, actor=users["sales"], comment="customer withdrew")
    before = books()

    with pytest.raises(OrderTransitionNotAllowed):
        invoice_issue(invoice_id=invoice.pk, actor=users["finance"])

    assert books() == before
    assert exposure(order.customer) == (Decimal("0.00"), Decimal("0.00"))


def test_invoices_of_an_order_add_up_to_its_total_exactly(make_order, products, users):
    draft = make_order(
        [(products[1], 3)], unit_price=Decimal("33.33"), discount_percent=Decimal("5")
    )
    order = order_submit(order_id=draft.pk, actor=users["sales"])
    # 33.33 less 5 % is 10.8 % under the list price: the override needs an approval.
    assert order.status == SalesOrder.Status.PENDING_APPROVAL
    order = order_approve(order_id=order.pk, actor=users["approver"], comment="ok")
    assert (order.lines_amount, order.discount_amount, order.tax_amount, order.total_amount) == (
        Decimal("99.99"),
        Decimal("5.00"),
        Decimal("12.35"),
        Decimal("107.34"),
    )
    invoices = []
    for _ in range(3):
        ship(order, users["warehouse"], {1: 1})
        invoices.append(issued_invoice(order, users))

    assert [(i.net_amount, i.tax_amount, i.total_amount) for i in invoices] == [
        (Decimal("31.66"), Decimal("4.12"), Decimal("35.78")),
        (Decimal("31.66"), Decimal("4.12"), Decimal("35.78")),
        (Decimal("31.67"), Decimal("4.11"), Decimal("35.78")),
    ]
    assert sum(i.total_amount for i in invoices) == order.total_amount
    order.refresh_from_db()
    assert order.invoiced_amount == Decimal("107.34")
    assert order.invoice_status == SalesOrder.InvoiceStatus.INVOICED
    assert lines_of(order)[0].quantity_invoiced == 3
    assert exposure(order.customer) == (Decimal("0.00"), Decimal("107.34"))


def test_shipped_then_prepaid_invoices_add_up_to_the_total(order, users):
    ship(order, users["warehouse"], {1: 3})
    first = issued_invoice(order, users)

    rest = issued_invoice(order, users, basis="ordered")

    assert list(rest.lines.order_by("pk").values_list("quantity", "net_amount")) == [
        (7, Decimal("2240.00")),
        (4, Decimal("142.00")),
    ]
    assert first.total_amount + rest.total_amount == order.total_amount
    with pytest.raises(NothingToInvoice):
        invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")


# invoice_issue


def test_invoice_issue_moves_the_amount_from_open_orders_to_receivable(order, users):
    ship(order, users["warehouse"], {1: 6})
    invoice = invoice_create(order_id=order.pk, actor=users["finance"])

    invoice = invoice_issue(
        invoice_id=invoice.pk, actor=users["finance"], issued_on=date(2026, 3, 10)
    )

    assert invoice.status == Invoice.Status.ISSUED
    assert (invoice.issued_on, invoice.due_on) == (date(2026, 3, 10), date(2026, 4, 9))
    assert exposure(order.customer) == (Decimal("1606.86"), Decimal("2169.60"))
    order.refresh_from_db()
    assert order.invoiced_amount == Decimal("2169.60")
    assert order.invoice_status == SalesOrder.InvoiceStatus.PARTIALLY_INVOICED
    assert [line.quantity_invoiced for line in lines_of(order)] == [6, 0]
    event = order.events.order_by("pk").last()
    assert (event.action, event.actor, event.comment, event.payload) == (
        OrderEvent.Action.INVOICED,
        users["finance"],
        invoice.number,
        {"invoice": invoice.number, "amount": "2169.60"},
    )


def test_invoice_issue_defaults_to_today(order, users):
    invoice = issued_invoice(order, users, basis="ordered")

    assert invoice.issued_on == timezone.localdate()


def test_invoice_issue_twice_is_refused(order, users):
    invoice = issued_invoice(order, users, basis="ordered")
    before = books()

    with pytest.raises(InvoiceTransitionNotAllowed) as refused:
        invoice_issue(invoice_id=invoice.pk, actor=users["finance"])

    assert str(refused.value) == f"Invoice {invoice.number} cannot be issued while it is Issued."
    assert books() == before


def test_invoice_issue_by_sales_is_refused(order, users):
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    before = books()

    with pytest.raises(FinancePermissionDenied):
        invoice_issue(invoice_id=invoice.pk, actor=users["sales"])

    assert books() == before


# payment_record / payment_allocate


def test_payment_record_without_allocation_stays_as_customer_credit(order, users):
    payment = payment_record(
        customer=order.customer,
        amount=Decimal("500"),
        actor=users["finance"],
        method=Payment.Method.ALIPAY,
        bank_reference="2026031012345",
    )

    assert payment.number.startswith("PAY-")
    assert (payment.amount, payment.allocated_amount, payment.unallocated_amount) == (
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("500.00"),
    )
    assert (payment.method, payment.bank_reference, payment.recorded_by) == (
        Payment.Method.ALIPAY,
        "2026031012345",
        users["finance"],
    )
    assert PaymentAllocation.objects.count() == 0


def test_over_payment_settles_the_invoice_and_keeps_the_rest_as_credit(order, users):
    invoice = issued_invoice(order, users, basis="ordered")

    payment = payment_record(
        customer=order.customer,
        amount=Decimal("4000.00"),
        actor=users["finance"],
        allocate_to=invoice,
    )

    assert (payment.amount, payment.allocated_amount, payment.unallocated_amount) == (
        Decimal("4000.00"),
        Decimal("3776.46"),
        Decimal("223.54"),
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.allocated_amount) == (Invoice.Status.PAID, Decimal("3776.46"))
    assert list(PaymentAllocation.objects.values_list("payment", "invoice", "amount")) == [
        (payment.pk, invoice.pk, Decimal("3776.46"))
    ]
    assert exposure(order.customer) == (Decimal("0.00"), Decimal("0.00"))
    order.refresh_from_db()
    assert order.paid_amount == Decimal("3776.46")
    assert order.payment_status == SalesOrder.PaymentStatus.PAID
    assert order.status == Status.APPROVED


@pytest.mark.parametrize("amount", ["0", "-10.00", "0.004"])
def test_payment_record_of_no_money_is_refused(order, users, amount):
    before = books()

    with pytest.raises(AmountNotPositive):
        payment_record(customer=order.customer, amount=Decimal(amount), actor=users["finance"])

    assert books() == before


def test_payment_record_by_sales_is_refused(order, users):
    before = books()

    with pytest.raises(FinancePermissionDenied):
        payment_record(customer=order.customer, amount=Decimal("10"), actor=users["sales"])

    assert books() == before


def test_partial_allocations_pay_the_invoice_step_by_step(order, users):
    invoice = issued_invoice(order, users, basis="ordered")
    first = payment_record(customer=order.customer, amount=Decimal("1000"), actor=users["finance"])
    second = payment_record(customer=order.customer, amount=Decimal("5000"), actor=users["finance"])

    payment_allocate(
        payment_id=first.pk, invoice_id=invoice.pk, amount=Decimal("1000"), actor=users["finance"]
    )

    invoice.refresh_from_db()
    order.refresh_from_db()
    assert (invoice.status, invoice.allocated_amount, invoice.open_amount) == (
        Invoice.Status.PARTIALLY_PAID,
        Decimal("1000.00"),
        Decimal("2776.46"),
    )
    assert order.payment_status == SalesOrder.PaymentStatus.PARTIALLY_PAID
    assert exposure(order.customer) == (Decimal("0.00"), Decimal("2776.46"))

    allocation = payment_allocate(
        payment_id=second.pk,
        invoice_id=invoice.pk,
        amount=Decimal("2776.46"),
        actor=users["finance"],
    )

    assert (allocation.amount, allocation.allocated_by) == (Decimal("2776.46"), users["finance"])
    invoice.refresh_from_db()
    second.refresh_from_db()
    assert (invoice.status, invoice.allocated_amount) == (Invoice.Status.PAID, Decimal("3776.46"))
    assert second.unallocated_amount == Decimal("2223.54")
    assert exposure(order.customer) == (Decimal("0.00"), Decimal("0.00"))
    assert list(
        order.events.filter(action=OrderEvent.Action.PAID)
        .order_by("pk")
        .values_list("actor__username", "comment")
    ) == [
        ("finance", f"{first.number} → {invoice.number}"),
        ("finance", f"{second.number} → {invoice.number}"),
    ]


def test_allocating_more_than_the_invoice_owes_is_refused(order, users):
    invoice = issued_invoice(order, users, basis="ordered")
    payment = payment_record(
        customer=order.customer, amount=Decimal("5000"), actor=users["finance"]
    )
    before = books()

    with pytest.raises(AllocationTooLarge) as refused:
        payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=Decimal("3776.47"),
            actor=users["finance"],
        )

    assert str(refused.value) == (
        "3776.47 is more than the invoice still owes (3776.46) or the payment still has (5000.00)."
    )
    assert books() == before


def test_allocating_more_than_the_payment_has_left_is_refused(order, users):
    invoice = issued_invoice(order, users, basis="ordered")
    payment = payment_record(customer=order.customer, amount=Decimal("300"), actor=users["finance"])
    payment_allocate(
        payment_id=payment.pk, invoice_id=invoice.pk, amount=Decimal("200"), actor=users["finance"]
    )
    before = books()

    with pytest.raises(AllocationTooLarge) as refused:
        payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=Decimal("100.01"),
            actor=users["finance"],
        )

    assert refused.value.params["payment_open"] == Decimal("100.00")
    assert books() == before


def test_allocating_another_customers_payment_is_refused(order, users):
    invoice = issued_invoice(order, users, basis="ordered")
    stranger = CustomerFactory()
    payment = payment_record(customer=stranger, amount=Decimal("5000"), actor=users["finance"])
    before = books()

    with pytest.raises(AllocationCustomerMismatch) as refused:
        payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=Decimal("100"),
            actor=users["finance"],
        )

    assert str(refused.value) == (
        f"Payment {payment.number} and invoice {invoice.number} belong to different customers."
    )
    assert books() == before


def test_allocating_to_a_draft_invoice_is_refused(order, users):
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    payment = payment_record(
        customer=order.customer, amount=Decimal("5000"), actor=users["finance"]
    )
    before = books()

    with pytest.raises(InvoiceTransitionNotAllowed):
        payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=Decimal("100"),
            actor=users["finance"],
        )

    assert books() == before


@pytest.mark.parametrize("amount", ["0", "-1", "0.001"])
def test_allocating_no_money_is_refused(order, users, amount):
    invoice = issued_invoice(order, users, basis="ordered")
    payment = payment_record(
        customer=order.customer, amount=Decimal("5000"), actor=users["finance"]
    )
    before = books()

    with pytest.raises(AmountNotPositive):
        payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=Decimal(amount),
            actor=users["finance"],
        )

    assert books() == before


def test_allocation_by_sales_is_refused(order, users):
    invoice = issued_invoice(order, users, basis="ordered")
    payment = payment_record(
        customer=order.customer, amount=Decimal("5000"), actor=users["finance"]
    )
    before = books()

    with pytest.raises(FinancePermissionDenied):
        payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=Decimal("100"),
            actor=users["sales"],
        )

    assert books() == before


# Closing


def test_order_closes_itself_once_shipped_invoiced_and_paid(order, users):
    ship(order, users["warehouse"], {1: 10, 2: 4})
    invoice = issued_invoice(order, users)
    payment = payment_record(
        customer=order.customer, amount=Decimal("1000"), actor=users["finance"]
    )
    payment_allocate(
        payment_id=payment.pk, invoice_id=invoice.pk, amount=Decimal("1000"), actor=users["finance"]
    )
    order.refresh_from_db()
    assert order.status == Status.SHIPPED

    payment_record(
        customer=order.customer,
        amount=Decimal("2776.46"),
        actor=users["finance"],
        allocate_to=Invoice.objects.get(pk=invoice.pk),
    )

    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.closed_at is not None
    closed = order.events.order_by("pk").last()
    assert (closed.action, closed.actor, closed.from_status, closed.to_status, closed.comment) == (
        OrderEvent.Action.CLOSED,
        None,
        Status.SHIPPED,
        Status.CLOSED,
        CLOSED_AUTOMATICALLY,
    )
    assert exposure(order.customer) == (Decimal("0.00"), Decimal("0.00"))


def test_paid_order_that_is_not_fully_invoiced_stays_open(order, users):
    ship(order, users["warehouse"], {1: 10, 2: 4})
    by_number = {line.line_no: line for line in lines_of(order)}
    assert by_number[1].quantity_shipped == 10
    invoice = issued_invoice(order, users)
    invoice_total = invoice.total_amount
    assert invoice_total == Decimal("3776.46")

    partial = payment_record(
        customer=order.customer,
        amount=Decimal("3776.45"),
        actor=users["finance"],
        allocate_to=invoice,
    )

    assert partial.allocated_amount == Decimal("3776.45")
    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    assert order.payment_status == SalesOrder.PaymentStatus.PARTIALLY_PAID
    assert not order.events.filter(action=OrderEvent.Action.CLOSED).exists()
