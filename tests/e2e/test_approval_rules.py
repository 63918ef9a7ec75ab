"""The configurable approval journey in Chromium: the admin adds "amount ≥ 50,000 needs
the manager", sales sees it in the preview and submits, the manager approves from the
pending list on a phone, sales hears of it through the bell."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import ApprovalRule, SalesOrder
from tests.e2e.conftest import login, logout
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_admin_rule_preview_phone_approval_and_bell(live_server, demo_world, new_page):
    base = live_server.url
    UserFactory(username="admin", roles=["admin"], is_staff=True, is_superuser=True)
    # A fresh install's rules come from the old policy; this journey starts from none.
    ApprovalRule.objects.update(is_active=False)

    page = new_page()
    login(page, base, "admin")
    page.get_by_role("link", name="Approval rules").first.click()
    page.click("[data-testid=new-rule]")
    page.fill("#id_name", "Amount ≥ 50,000 needs the manager")
    page.fill("#id_min_total_amount", "50000")
    page.select_option("#id_approver_kind", value="group")
    page.select_option("#id_approver_group", label="manager")
    page.click("[data-testid=save-rule]")
    expect(page.locator("[data-testid=rule-table]")).to_contain_text(
        "Amount ≥ 50,000 needs the manager"
    )
    logout(page)

    login(page, base, "sales")
    page.goto(f"{base}/orders/new/")
    page.select_option("#id_customer", label="C0001 上海华东机电有限公司")
    page.fill("#id_lines-0-product", "BR-6204")
    page.fill("#id_lines-0-quantity", "200")
    page.locator("#id_lines-0-quantity").dispatch_event("change")
    preview = page.locator("[data-testid=approval-preview]")
    expect(preview).to_contain_text("Level 1: manager")
    expect(preview).to_contain_text("Amount ≥ 50,000 needs the manager")
    expect(preview).to_contain_text("reaches the approval amount 50000.00")
    page.click("[data-testid=save-submit]")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    number = page.locator("[data-testid=order-number]").inner_text()
    expect(page.locator("[data-testid=approval-chain]")).to_contain_text("manager")
    logout(page)

    phone = new_page(viewport=PHONE)
    login(phone, base, "manager")
    phone.goto(f"{base}/orders/approvals/")
    card = phone.locator("[data-testid=approval-list] > div", has_text=number)
    expect(card).to_contain_text("Amount ≥ 50,000 needs the manager")
    card.locator("input[name=comment]").fill("OK")
    card.get_by_role("button", name="Approve").click()
    expect(card).to_contain_text(f"Order {number} approved: Approved.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert SalesOrder.objects.get(number=number).status == SalesOrder.Status.APPROVED

    login(page, base, "sales")
    expect(page.locator("[data-testid=bell-count]")).to_have_text("1")
    page.click("[data-testid=bell]")
    expect(page.locator("main")).to_contain_text(f"Order {number} was approved")
