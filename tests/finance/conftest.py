"""Finance fixtures: issued invoices made through the services, a bank account."""

from decimal import Decimal

import pytest

from finance.models import BankAccount
from finance.services import invoice_create, invoice_issue
from opms.core.errors import DomainError
from orders.models import SalesOrder
from orders.services import order_approve, order_submit


@pytest.fixture
def issue_invoice(users, make_order, products):
    """issue_invoice(quantity, product_index=1, customer_=None) → an issued invoice for an
    order of `quantity` × the product (FS-M8 at 35.50 + 13 % VAT = 40.115 per unit)."""

    def issue(quantity: int, *, product_index: int = 1, customer_=None, issued_on=None):
        order = make_order([(products[product_index], quantity)], customer_=customer_)
        order = order_submit(order_id=order.pk, actor=users["sales"])
        for approver in ("approver", "finance", "approver", "finance"):
            if order.status != SalesOrder.Status.PENDING_APPROVAL:
                break
            try:
                order = order_approve(order_id=order.pk, actor=users[approver], comment="ok")
            except DomainError:
                continue
        invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
        return invoice_issue(invoice_id=invoice.pk, actor=users["finance"], issued_on=issued_on)

    return issue


@pytest.fixture
def bank_account(db):
    return BankAccount.objects.create(
        name="工商银行 基本户", bank_name="ICBC", account_number="1001200030004000"
    )


def csv_statement(rows: list[tuple], *, encoding: str = "utf-8") -> bytes:
    """A statement as ICBC exports it: an account summary, then the header and the rows
    (date, credit, counterparty, counterparty account, reference)."""
    lines = [
        "账号,1001200030004000",
        "币种,人民币",
        "交易日期,借方发生额,贷方发生额,对方户名,对方账号,摘要",
    ]
    for booked_on, amount, name, account, reference in rows:
        debit, credit = ("", amount) if Decimal(amount) > 0 else (str(-Decimal(amount)), "")
        lines.append(f"{booked_on},{debit},{credit},{name},{account},{reference}")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
