"""The other roles' daily journeys in Chromium: purchasing, manager, admin."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from inventory.models import Product
from orders.models import ApprovalRule, SalesOrder
from orders.services import LineInput, order_create, order_submit
from tests.e2e.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_purchasing_sees_what_to_reorder(live_server, demo_world, new_page):
    Product.objects.filter(sku="CB-25").update(reorder_point=100)
    page = new_page()
    login(page, live_server.url, "purchasing")
    expect(page.locator("[data-testid=home-purchasing]")).to_contain_text("CB-25")
    page.get_by_role("link", name="Purchasing", exact=True).click()
    page.get_by_role("button", name="Compute suggestions now").click()
    row = page.locator("[data-testid=suggestions] tr", has_text="CB-25")
    # No explicit policy: refill to twice the product's reorder point (200 − 80).
    expect(row).to_contain_text("120")
    expect(row).to_contain_text("available 80 + on order 0 − backordered 0 = 80")


def test_manager_reads_the_dashboard_and_drills_down(live_server, demo_world, new_page):
    world = demo_world
    order = order_create(
        actor=world["users"]["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=world["products"][0].pk, quantity=200)],
    )
    order_submit(order_id=order.pk, actor=world["users"]["sales"])
    page = new_page()
    login(page, live_server.url, "manager")
    expect(page.locator("[data-testid=home-kpis]")).to_contain_text("Open orders")
    page.get_by_role("link", name="Dashboard").first.click()
    page.get_by_role("link", name=re.compile("Pending approval")).click()
    expect(page.locator("[data-testid=order-table]")).to_contain_text(order.number)


def test_admin_changes_the_approval_amount_without_code(live_server, demo_world, new_page):
    UserFactory(username="admin", roles=["admin"], is_staff=True, is_superuser=True)
    page = new_page()
    login(page, live_server.url, "admin")
    page.get_by_role("link", name="Approval rules").first.click()
    page.get_by_role("link", name="Order amount").click()
    page.fill("#id_min_total_amount", "1000000.00")
    page.click("[data-testid=save-rule]")
    expect(page.locator("[data-testid=rule-table]")).to_contain_text("1,000,000.00")
    assert ApprovalRule.objects.get(name="Order amount").min_total_amount == Decimal("1000000.00")
    world = demo_world
    order = order_create(
        actor=world["users"]["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=world["products"][0].pk, quantity=200)],
    )
    assert order_submit(order_id=order.pk, actor=world["users"]["sales"]).status == (
        SalesOrder.Status.APPROVED
    )
