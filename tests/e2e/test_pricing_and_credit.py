"""Issue 4 in Chromium: the price rule and credit warning update live; finance releases a
credit hold."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import CreditPolicy, PriceList, PriceRule
from orders.models import SalesOrder
from orders.services import LineInput, order_create, order_submit
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_sales_sees_the_price_rule_and_the_credit_warning_while_typing(
    live_server, demo_world, new_page
):
    customer = demo_world["customer"]
    customer.credit_limit_amount = Decimal("1000.00")
    customer.save()
    promotion = PriceList.objects.create(name="双11 促销", kind=PriceList.Kind.DEFAULT)
    PriceRule.objects.create(
        price_list=promotion,
        name="双11 螺栓 -8%",
        product_sku="FS-M8",
        basis=PriceRule.Basis.DISCOUNT_PERCENT,
        discount_percent=Decimal("8"),
    )
    base = live_server.url
    page = new_page()
    login(page, base, "sales")
    page.goto(f"{base}/orders/new/")
    page.select_option("#id_customer", label="C0001 上海华东机电有限公司")
    expect(page.locator("[data-testid=customer-credit]")).to_contain_text("¥1,000.00")
    page.fill("#id_lines-0-product", "FS-M8")
    page.fill("#id_lines-0-quantity", "10")
    page.locator("#id_lines-0-quantity").dispatch_event("change")
    expect(page.locator("[data-testid=line-price-rule]")).to_have_text("双11 螺栓 -8%")
    expect(page.locator("[data-testid=line-amount]").first).to_have_text("¥326.60")
    expect(page.locator("[data-testid=customer-credit]")).not_to_contain_text("will need")
    page.fill("#id_lines-0-quantity", "40")
    page.locator("#id_lines-0-quantity").dispatch_event("change")
    expect(page.locator("[data-testid=customer-credit]")).to_contain_text("will need an approval")


def test_finance_releases_an_order_held_for_credit(live_server, demo_world, new_page):
    CreditPolicy.objects.update(submit_check=CreditPolicy.Strength.BLOCK)
    world = demo_world
    customer = world["customer"]
    customer.credit_limit_amount = Decimal("100.00")
    customer.save()
    order = order_create(
        actor=world["users"]["sales"],
        customer=customer,
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=world["products"][1].pk, quantity=10)],
    )
    order = order_submit(order_id=order.pk, actor=world["users"]["sales"])
    assert order.status == SalesOrder.Status.ON_HOLD
    base = live_server.url
    page = new_page()
    login(page, base, "finance")
    page.goto(f"{base}/orders/{order.pk}/")
    expect(page.locator("[data-testid=order-status]")).to_contain_text("On hold")
    page.get_by_role("button", name="Release hold").click()
    expect(page.locator("[data-testid=error]")).to_be_visible()
    page.fill("#decision-form textarea[name=comment]", "客户已电汇预付款，放行")
    page.get_by_role("button", name="Release hold").click()
    expect(page.locator("[data-testid=order-status]")).to_contain_text("Approved")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("客户已电汇预付款，放行")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED
