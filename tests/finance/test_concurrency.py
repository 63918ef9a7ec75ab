"""Two finance users allocating the same money at once cannot over-allocate it."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from finance.errors import AllocationTooLarge, StatementLineNotWaiting
from finance.models import BankAccount, BankStatementLine, Invoice, Payment, PaymentAllocation
from finance.services import (
    bank_statement_import,
    invoice_create,
    invoice_issue,
    payment_allocate,
    payment_record,
    statement_line_post,
)
from opms.accounts.models import User
from orders.services import order_submit
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migrated_data")]


def issued_invoice(users, make_order, product, quantity) -> Invoice:
    order = make_order([(product, quantity)])
    order_submit(order_id=order.pk, actor=users["sales"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    return invoice_issue(invoice_id=invoice.pk, actor=users["finance"])


def test_two_users_allocating_one_payment_to_two_invoices_never_overdraw_it(
    users, products, make_order, customer
):
    first = issued_invoice(users, make_order, products[1], 10)  # 401.15
    second = issued_invoice(users, make_order, products[1], 10)
    payment = payment_record(customer=customer, amount=Decimal("500.00"), actor=users["finance"])
    other = User.objects.create(username="finance2")
    other.groups.add(*users["finance"].groups.all())

    def allocate(invoice_id: int, user_id: int):
        actor = User.objects.get(pk=user_id)
        return payment_allocate(
            payment_id=payment.pk, invoice_id=invoice_id, amount=first.total_amount, actor=actor
        )

    outcomes = run_together(
        [lambda: allocate(first.pk, users["finance"].pk), lambda: allocate(second.pk, other.pk)]
    )
    winners = [o for o in outcomes if isinstance(o, PaymentAllocation)]
    losers = [o for o in outcomes if isinstance(o, AllocationTooLarge)]
    assert (len(winners), len(losers)) == (1, 1)
    payment = Payment.objects.get(pk=payment.pk)
    allocated = PaymentAllocation.objects.filter(payment=payment).aggregate(total=Sum("amount"))
    assert payment.allocated_amount == allocated["total"] == first.total_amount
    assert payment.unallocated_amount == Decimal("500.00") - first.total_amount


def test_two_payments_racing_to_one_invoice_never_overpay_it(users, products, make_order, customer):
    invoice = issued_invoice(users, make_order, products[1], 10)
    payments = [
        payment_record(customer=customer, amount=invoice.total_amount, actor=users["finance"])
        for _ in range(2)
    ]

    def allocate(payment_id: int):
        return payment_allocate(
            payment_id=payment_id,
            invoice_id=invoice.pk,
            amount=invoice.total_amount,
            actor=User.objects.get(pk=users["finance"].pk),
        )

    outcomes = run_together([lambda: allocate(payments[0].pk), lambda: allocate(payments[1].pk)])
    assert sorted(type(o).__name__ for o in outcomes) == [
        "InvoiceTransitionNotAllowed",
        "PaymentAllocation",
    ]
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.status == Invoice.Status.PAID
    assert invoice.allocated_amount == invoice.total_amount
    assert PaymentAllocation.objects.filter(invoice=invoice).count() == 1


def test_two_users_posting_the_same_statement_line_post_it_once(
    users, products, make_order, customer
):
    invoice = issued_invoice(users, make_order, products[1], 10)
    account = BankAccount.objects.create(name="ICBC", account_number="1001")
    bank_statement_import(
        bank_account_id=account.pk,
        file_name="s.csv",
        content=f"交易日期,交易金额,对方户名\n2026-11-20,{invoice.total_amount},陌生\n".encode(),
        actor=users["finance"],
    )
    line = BankStatementLine.objects.get()
    other = User.objects.create(username="finance2")
    other.groups.add(*users["finance"].groups.all())

    def post(user_id: int):
        return statement_line_post(
            line_id=line.pk,
            customer_id=customer.pk,
            allocations=[(invoice.pk, invoice.total_amount)],
            actor=User.objects.get(pk=user_id),
        )

    outcomes = run_together([lambda: post(users["finance"].pk), lambda: post(other.pk)])
    assert sorted(type(o).__name__ for o in outcomes) == [
        "BankStatementLine",
        StatementLineNotWaiting.__name__,
    ]
    assert Payment.objects.count() == 1
    assert PaymentAllocation.objects.get().amount == invoice.total_amount
