"""Property: whatever finance does, money is never allocated twice nor lost.

For any sequence of invoices, payments, credit notes, allocations and unallocations
(refused ones included), no invoice is settled beyond its total, no payment or credit
note is allocated beyond its amount, and the customer's receivable is issued invoices
− credit notes − allocated payments.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.models import Customer
from finance.models import CreditNote, CreditNoteAllocation, Invoice, Payment, PaymentAllocation
from finance.selectors import customer_balance
from finance.services import (
    credit_note_allocate,
    credit_note_create,
    credit_note_unallocate,
    invoice_create,
    invoice_issue,
    payment_allocate,
    payment_record,
    payment_unallocate,
)
from opms.core.errors import DomainError
from orders.services import order_submit

cents = st.integers(min_value=1, max_value=120_000).map(lambda n: Decimal(n) / 100)
operation = st.one_of(
    st.tuples(st.just("invoice"), st.integers(min_value=1, max_value=6)),
    st.tuples(st.just("pay"), cents),
    st.tuples(st.just("credit"), cents, st.integers(min_value=0, max_value=3)),
    st.tuples(
        st.just("allocate"),
        st.integers(0, 5),
        st.integers(0, 5),
        st.one_of(st.none(), cents),
    ),
    st.tuples(
        st.just("allocate_credit"),
        st.integers(0, 5),
        st.integers(0, 5),
        st.one_of(st.none(), cents),
    ),
    st.tuples(st.just("unallocate"), st.integers(0, 9)),
    st.tuples(st.just("unallocate_credit"), st.integers(0, 9)),
)


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0.00")


def _pick(items, index):
    return items[index % len(items)] if items else None


class World:
    def __init__(self, users, make_order, product, customer):
        self.users, self.make_order, self.product, self.customer = (
            users,
            make_order,
            product,
            customer,
        )
        self.finance = users["finance"]

    def run(self, op) -> None:
        kind = op[0]
        invoices = list(Invoice.objects.filter(customer=self.customer).order_by("pk"))
        payments = list(Payment.objects.filter(customer=self.customer).order_by("pk"))
        notes = list(CreditNote.objects.filter(customer=self.customer).order_by("pk"))
        if kind == "invoice":
            if len(invoices) >= 4:
                return
            order = self.make_order([(self.product, op[1])])
            order_submit(order_id=order.pk, actor=self.users["sales"])
            draft = invoice_create(order_id=order.pk, actor=self.finance, basis="ordered")
            invoice_issue(invoice_id=draft.pk, actor=self.finance)
        elif kind == "pay":
            payment_record(customer=self.customer, amount=op[1], actor=self.finance)
        elif kind == "credit":
            invoice = _pick(invoices, op[2]) if op[2] else None
            credit_note_create(
                customer_id=self.customer.pk,
                invoice_id=invoice.pk if invoice else None,
                amount=op[1],
                reason=CreditNote.Reason.PRICE_ADJUSTMENT,
                actor=self.finance,
            )
        elif kind in ("allocate", "allocate_credit"):
            source = _pick(payments if kind == "allocate" else notes, op[1])
            invoice = _pick(invoices, op[2])
            if source is None or invoice is None:
                return
            if kind == "allocate":
                payment_allocate(
                    payment_id=source.pk, invoice_id=invoice.pk, amount=op[3], actor=self.finance
                )
            else:
                credit_note_allocate(
                    credit_note_id=source.pk,
                    invoice_id=invoice.pk,
                    amount=op[3],
                    actor=self.finance,
                )
        elif kind == "unallocate":
            allocation = _pick(list(PaymentAllocation.objects.order_by("pk")), op[1])
            if allocation:
                payment_unallocate(allocation_id=allocation.pk, actor=self.finance, reason="t")
        elif kind == "unallocate_credit":
            allocation = _pick(list(CreditNoteAllocation.objects.order_by("pk")), op[1])
            if allocation:
                credit_note_unallocate(allocation_id=allocation.pk, actor=self.finance)

    def check(self) -> None:
        active_payments = PaymentAllocation.objects.filter(reversed_at__isnull=True)
        active_credits = CreditNoteAllocation.objects.filter(reversed_at__isnull=True)
        for invoice in Invoice.objects.all():
            settled = _sum(active_payments.filter(invoice=invoice)) + _sum(
                active_credits.filter(invoice=invoice)
            )
            assert invoice.allocated_amount == settled
            assert Decimal("0") <= invoice.allocated_amount <= invoice.total_amount
            assert (invoice.status == Invoice.Status.PAID) == (
                invoice.allocated_amount == invoice.total_amount
            )
        for payment in Payment.objects.all():
            assert payment.allocated_amount == _sum(active_payments.filter(payment=payment))
            assert payment.allocated_amount <= payment.amount
        for note in CreditNote.objects.all():
            assert note.allocated_amount == _sum(active_credits.filter(credit_note=note))
            assert note.allocated_amount <= note.total_amount
        customer = Customer.objects.get(pk=self.customer.pk)
        issued = _sum(
            Invoice.objects.filter(customer=customer).exclude(status=Invoice.Status.DRAFT),
            "total_amount",
        )
        credit_notes = _sum(CreditNote.objects.filter(customer=customer), "total_amount")
        allocated_payments = _sum(active_payments.filter(payment__customer=customer))
        unallocated_credit = credit_notes - _sum(active_credits)
        unallocated_payments = _sum(Payment.objects.filter(customer=customer)) - allocated_payments
        balance = customer_balance(customer_id=customer.pk)
        # The issue's rule, computed from the documents:
        assert balance.receivable_amount == issued - credit_notes - allocated_payments
        # … and the running figures the credit check reads agree with it.
        assert customer.receivable_amount == balance.receivable_amount + unallocated_credit
        assert customer.unallocated_payment_amount == unallocated_payments + unallocated_credit


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_no_sequence_of_finance_operations_loses_or_doubles_money(
    users, make_order, products, customer, operations
):
    world = World(users, make_order, products[0], customer)
    with transaction.atomic():
        for op in operations:
            try:
                with transaction.atomic():
                    world.run(op)
            except DomainError:
                pass
            world.check()
        transaction.set_rollback(True)
