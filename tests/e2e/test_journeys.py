"""The order journey through the real UI in Chromium, one role after another."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import SalesOrder
from orders.services import LineInput, order_create, order_submit
from tests.e2e.conftest import login, logout

pytestmark = pytest.mark.e2e


def enter_order(page, base: str, lines: list[tuple[str, int]]) -> str:
    page.goto(f"{base}/orders/new/")
    page.select_option("#id_customer", label="C0001 上海华东机电有限公司")
    for index, (sku, quantity) in enumerate(lines):
        if index:
            page.click("[data-testid=add-line]")
            page.wait_for_selector(f"#id_lines-{index}-product")
        page.fill(f"#id_lines-{index}-product", sku)
        page.fill(f"#id_lines-{index}-quantity", str(quantity))
        page.locator(f"#id_lines-{index}-quantity").dispatch_event("change")
        expect(page.locator("[data-testid=line-amount]").nth(index)).not_to_be_empty()
    expect(page.locator("[data-testid=order-total]")).to_contain_text("66,782.77")
    page.click("[data-testid=save-submit]")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    return page.locator("[data-testid=order-number]").inner_text()


def ship(page, base: str, number: str, quantities: list[int] | None, tracking: str) -> None:
    page.goto(f"{base}/orders/to-ship/")
    row = page.locator("[data-testid=to-ship] tr", has_text=number)
    row.get_by_role("link", name="Ship").click()
    inputs = page.locator("[data-testid=ship-lines] input[type=number]")
    if quantities is not None:
        for index, quantity in enumerate(quantities):
            inputs.nth(index).fill(str(quantity))
    page.get_by_role("button", name="Create pick list").click()
    page.wait_for_load_state()
    refusal = page.locator("[data-testid=error]")
    assert refusal.count() == 0, f"pick list refused: {refusal.all_inner_texts()} {page.url}"
    expect(page.locator("[data-testid=shipment-number]")).to_be_visible()
    page.select_option("#id_carrier", label="顺丰速运")
    page.fill("#id_tracking_number", tracking)
    page.click("[data-testid=confirm-shipment]")
    expect(page.locator("[data-testid=shipment-status]")).to_contain_text("Shipped")
    expect(page.locator("[data-testid=tracking-number]")).to_have_text(tracking)


def test_order_journey_from_entry_to_close(live_server, demo_world, new_page):
    base = live_server.url
    page = new_page()

    login(page, base, "sales")
    expect(page.locator("[data-testid=home-sales]")).to_be_visible()
    number = enter_order(page, base, [("BR-6204", 100), ("FS-M8", 200), ("CB-25", 20)])
    expect(page.locator("[data-testid=order-status]")).to_contain_text("Pending approval")
    logout(page)

    login(page, base, "approver")
    page.goto(f"{base}/orders/approvals/")
    card = page.locator("[data-testid=approval-list] .card", has_text=number)
    card.locator("input[name=comment]").fill("价格合理，同意")
    card.get_by_role("button", name="Approve").click()
    expect(page.locator("[data-testid=approval-list]")).to_contain_text("approved")
    logout(page)

    login(page, base, "warehouse")
    expect(page.locator("[data-testid=home-shipping]")).to_contain_text(number)
    ship(page, base, number, [40, 0, 0], "SF1000000001")
    ship(page, base, number, None, "SF1000000002")
    order = SalesOrder.objects.get(number=number)
    assert order.status == SalesOrder.Status.SHIPPED
    logout(page)

    login(page, base, "finance")
    page.on("dialog", lambda dialog: dialog.accept())
    expect(page.locator("[data-testid=home-finance]")).to_contain_text(number)
    page.goto(f"{base}/orders/{order.pk}/")
    page.locator("#billing-panel").get_by_role("link", name="Create invoice").click()
    page.click("[data-testid=create-invoice]")
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("link", name="Record payment")).to_be_visible()
    page.get_by_role("link", name="Record payment").click()
    page.fill("input[name=bank_reference]", "CMB 20261125 0001")
    page.click("[data-testid=save-payment]")
    expect(page.locator("#messages")).to_contain_text("paid")
    page.goto(f"{base}/orders/{order.pk}/")
    expect(page.locator("[data-testid=order-status]")).to_contain_text("Closed")
    timeline = page.locator("[data-testid=timeline]")
    for text in [
        "Created",
        "Submitted",
        "Approved",
        "Shipped",
        "Invoiced",
        "Payment received",
        "Closed",
        "价格合理，同意",
    ]:
        expect(timeline).to_contain_text(text)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CLOSED


def test_warehouse_confirms_a_shipment_on_a_phone(live_server, demo_world, new_page):
    world = demo_world
    order = order_create(
        actor=world["users"]["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=world["products"][1].pk, quantity=10)],
    )
    order_submit(order_id=order.pk, actor=world["users"]["sales"])
    base = live_server.url
    page = new_page(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    login(page, base, "warehouse")
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="待发货").click()
    row = page.locator("[data-testid=to-ship] tr", has_text=order.number)
    row.get_by_role("link", name="发货").click()
    page.get_by_role("button", name="生成拣货单").click()
    page.select_option("#id_carrier", label="中通快递")
    page.fill("#id_tracking_number", "ZTO778899")
    page.click("[data-testid=confirm-shipment]")
    expect(page.locator("[data-testid=shipment-status]")).to_contain_text("已发货")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.SHIPPED
    page.screenshot(path="var/screenshots/phone-warehouse-confirm.png", full_page=True)
