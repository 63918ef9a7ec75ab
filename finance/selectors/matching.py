"""Matching a bank statement line to a customer and their open invoices (reads only).

The rules, in order: an invoice or order number in the reference; else an exact
amount among the customer's open invoices; else oldest-first across them (partial
allowed). Each result has a confidence the workbench shows and auto-posting uses.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from customers.models import Customer
from finance.models import BankStatementLine, Invoice, Payment
from opms.core.money import ZERO

INVOICE_NUMBER = re.compile(r"INV-?\d{4}-?\d{6}", re.IGNORECASE)
ORDER_NUMBER = re.compile(r"SO-?\d{4}-?\d{6}", re.IGNORECASE)

CONFIDENCE_REFERENCE = 100
CONFIDENCE_REFERENCE_PARTIAL = 95
CONFIDENCE_ORDER_REFERENCE = 92
CONFIDENCE_EXACT_AMOUNT = 90
CONFIDENCE_OLDEST_FIRST = 60
CONFIDENCE_CUSTOMER_ONLY = 50
CONFIDENCE_AMBIGUOUS = 30

Rule = BankStatementLine.Rule


@dataclass(frozen=True)
class SuggestedAllocation:
    invoice: Invoice
    amount: Decimal


@dataclass(frozen=True)
class StatementMatch:
    rule: str
    confidence: int
    customer: Customer | None = None
    allocations: list[SuggestedAllocation] = field(default_factory=list)

    @property
    def allocated_amount(self) -> Decimal:
        return sum((allocation.amount for allocation in self.allocations), ZERO)


def _normalised(number: str, prefix: str) -> str:
    digits = re.sub(r"\D", "", number)
    return f"{prefix}-{digits[:4]}-{digits[4:]}"


def _fill(invoices: list[Invoice], amount: Decimal) -> list[SuggestedAllocation]:
    """Spread `amount` over invoices in the given order, each up to what it owes."""
    allocations, left = [], amount
    for invoice in invoices:
        if left <= ZERO:
            break
        share = min(invoice.open_amount, left)
        if share > ZERO:
            allocations.append(SuggestedAllocation(invoice=invoice, amount=share))
            left -= share
    return allocations


def _open_invoices(**filters) -> list[Invoice]:
    return list(
        Invoice.objects.filter(status__in=Invoice.OPEN, **filters)
        .select_related("customer")
        .order_by("due_on", "pk")
    )


def statement_customer_guess(line: BankStatementLine) -> Customer | None:
    """The paying customer: an account that paid before, else the exact account name."""
    if line.counterparty_account:
        known = (
            BankStatementLine.objects.filter(
                counterparty_account=line.counterparty_account,
                status=BankStatementLine.Status.POSTED,
                customer__isnull=False,
            )
            .exclude(pk=line.pk)
            .select_related("customer")
            .order_by("-pk")
            .first()
        )
        if known is not None:
            return known.customer
    name = line.counterparty_name.strip()
    if name:
        matches = list(Customer.objects.filter(name__iexact=name, is_active=True)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def statement_line_match(line: BankStatementLine) -> StatementMatch:
    """What the reconciliation rules propose for one incoming statement line."""
    amount = line.amount
    reference = f"{line.reference} {line.counterparty_name}"
    invoice_numbers = [_normalised(n, "INV") for n in INVOICE_NUMBER.findall(reference)]
    if invoice_numbers:
        invoices = [
            invoice
            for invoice in _open_invoices(number__in=invoice_numbers, currency=line.currency)
        ]
        if invoices:
            customer = invoices[0].customer
            invoices = [invoice for invoice in invoices if invoice.customer_id == customer.pk]
            open_total = sum((invoice.open_amount for invoice in invoices), ZERO)
            confidence = (
                CONFIDENCE_REFERENCE if amount >= open_total else CONFIDENCE_REFERENCE_PARTIAL
            )
            return StatementMatch(Rule.REFERENCE, confidence, customer, _fill(invoices, amount))
    order_numbers = [_normalised(n, "SO") for n in ORDER_NUMBER.findall(reference)]
    if order_numbers:
        invoices = _open_invoices(order__number__in=order_numbers, currency=line.currency)
        if invoices:
            customer = invoices[0].customer
            invoices = [invoice for invoice in invoices if invoice.customer_id == customer.pk]
            return StatementMatch(
                Rule.REFERENCE, CONFIDENCE_ORDER_REFERENCE, customer, _fill(invoices, amount)
            )
    customer = statement_customer_guess(line)
    if customer is None:
        return StatementMatch(Rule.NONE, 0)
    invoices = _open_invoices(customer=customer, currency=line.currency)
    if not invoices:
        return StatementMatch(Rule.CUSTOMER_ONLY, CONFIDENCE_CUSTOMER_ONLY, customer)
    exact = [invoice for invoice in invoices if invoice.open_amount == amount]
    if len(exact) == 1:
        return StatementMatch(
            Rule.EXACT_AMOUNT,
            CONFIDENCE_EXACT_AMOUNT,
            customer,
            [SuggestedAllocation(invoice=exact[0], amount=amount)],
        )
    if len(exact) > 1:
        # Several invoices owe exactly this much: a person decides; the oldest is proposed.
        return StatementMatch(
            Rule.AMBIGUOUS,
            CONFIDENCE_AMBIGUOUS,
            customer,
            [SuggestedAllocation(invoice=exact[0], amount=amount)],
        )
    return StatementMatch(
        Rule.OLDEST_FIRST, CONFIDENCE_OLDEST_FIRST, customer, _fill(invoices, amount)
    )


def customer_unallocated_payments(*, customer_id: int) -> list[Payment]:
    """The customer's payments with money not yet allocated (credit), oldest first."""
    return list(
        Payment.objects.filter(customer_id=customer_id)
        .exclude(allocated_amount=F("amount"))
        .order_by("received_on", "pk")
    )
