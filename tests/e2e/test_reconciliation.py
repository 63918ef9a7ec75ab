"""Finance imports a bank statement: most lines reconcile by themselves, the rest is
allocated by hand in the workbench, and the orders close."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from finance.models import BankAccount, BankStatementLine
from finance.services import invoice_create, invoice_issue
from orders.models import SalesOrder
from orders.services import (
    LineInput,
    order_approve,
    order_create,
    order_submit,
    shipment_confirm,
    shipment_create,
)
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def shipped_and_invoiced(world, sku_index: int, quantity: int):
    users = world["users"]
    order = order_create(
        actor=users["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=world["products"][sku_index].pk, quantity=quantity)],
    )
    order = order_submit(order_id=order.pk, actor=users["sales"])
    if order.status == SalesOrder.Status.PENDING_APPROVAL:
        order_approve(order_id=order.pk, actor=users["approver"], comment="ok")
    line = order.lines.get()
    shipment = shipment_create(
        order_id=order.pk, actor=users["warehouse"], quantities={line.pk: quantity}
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"])
    return invoice_issue(invoice_id=invoice.pk, actor=users["finance"])


def test_finance_imports_a_statement_and_reconciles_the_rest_by_hand(
    live_server, demo_world, new_page, tmp_path
):
    base = live_server.url
    BankAccount.objects.create(name="工商银行 基本户", account_number="1001200030004000")
    by_reference = shipped_and_invoiced(demo_world, 0, 2)
    by_amount = shipped_and_invoiced(demo_world, 1, 3)
    by_hand = shipped_and_invoiced(demo_world, 2, 1)
    customer = demo_world["customer"]
    statement = tmp_path / "icbc-2026-11.csv"
    statement.write_bytes(
        "\r\n".join(
            [
                "账号,1001200030004000",
                "交易日期,借方发生额,贷方发生额,对方户名,对方账号,摘要",
                f"2026-11-20,,{by_reference.total_amount},某某贸易,622801,"
                f"货款 {by_reference.number}",
                f"2026-11-21,,{by_amount.total_amount},{customer.name},622802,货款",
                f"2026-11-22,,{by_hand.total_amount},王五个人账户,622803,代付",
                "2026-11-22,35.00,,银行,,手续费",
            ]
        ).encode("gb18030")
    )
    page = new_page()
    login(page, base, "finance")
    page.get_by_role("link", name="Reconcile", exact=True).click()
    page.get_by_role("link", name="Import a statement").first.click()
    page.set_input_files("#id_file", str(statement))
    page.click("[data-testid=import-statement]")
    page.wait_for_url(re.compile(r"/finance/workbench/$"))
    expect(page.locator(".alert-success").first).to_contain_text(
        "4 new lines imported: 2 reconciled automatically, 1 waiting"
    )

    card = page.locator("[data-testid=workbench-line]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("王五个人账户")
    card.locator("[data-testid=line-customer]").select_option(
        label=f"{customer.code} {customer.name}"
    )
    amount = page.locator(f"[data-testid='amount-{by_hand.number}']")
    expect(amount).to_be_visible()
    amount.fill(str(by_hand.total_amount))
    page.locator("[data-testid=post-line]").click()
    expect(page.locator("[data-testid=line-done]")).to_contain_text("posted as payment")

    assert BankStatementLine.objects.filter(status__in=BankStatementLine.WAITING).count() == 0
    for invoice in (by_reference, by_amount, by_hand):
        order = SalesOrder.objects.get(pk=invoice.order_id)
        assert order.status == SalesOrder.Status.CLOSED, order.number
        assert order.paid_amount == order.total_amount == Decimal(invoice.total_amount)
    page.goto(f"{base}/orders/{by_hand.order_id}/")
    expect(page.locator("[data-testid=order-status]")).to_contain_text("Closed")
