"""Warehouse and purchasing journeys in Chromium: partial shipment on a phone; a suggestion
becomes a purchase order, is received, and the backordered sales order becomes shippable."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import SalesOrder
from orders.services import LineInput, order_approve, order_create, order_submit
from purchasing.models import PurchaseOrder, Supplier, SupplierProduct
from tests.e2e.conftest import login, logout

pytestmark = pytest.mark.e2e


def test_warehouse_confirms_a_partial_shipment_on_a_phone(live_server, demo_world, new_page):
    world = demo_world
    order = order_create(
        actor=world["users"]["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[
            LineInput(product_id=world["products"][0].pk, quantity=6),
            LineInput(product_id=world["products"][1].pk, quantity=10),
        ],
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
    inputs = page.locator("[data-testid=ship-lines] input[type=number]")
    inputs.nth(0).fill("2")
    inputs.nth(1).fill("0")
    page.get_by_role("button", name="生成拣货单").click()
    page.select_option("#id_carrier", label="中通快递")
    page.fill("#id_tracking_number", "ZTO445566")
    page.click("[data-testid=confirm-shipment]")
    expect(page.locator("[data-testid=shipment-status]")).to_contain_text("已发货")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.PARTIALLY_SHIPPED
    assert [line.quantity_shipped for line in order.lines.order_by("line_no")] == [2, 0]
    page.goto(f"{base}/orders/{order.pk}/")
    expect(page.locator("[data-testid=order-status]")).to_contain_text("部分发货")
    expect(page.locator("[data-testid=shipments]")).to_contain_text("ZTO445566")


def test_purchasing_orders_a_suggestion_receives_it_and_the_backorder_ships(
    live_server, demo_world, new_page
):
    world = demo_world
    cable = world["products"][2]  # 80 on hand
    supplier = Supplier.objects.create(code="SUP-CB", name="远东电缆有限公司", lead_time_days=4)
    SupplierProduct.objects.create(
        supplier=supplier,
        product=cable,
        unit_price_amount=Decimal("700.00"),
        lead_time_days=4,
        is_preferred=True,
    )
    cable.reorder_point = 20
    cable.save(update_fields=["reorder_point"])
    order = order_create(
        actor=world["users"]["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=cable.pk, quantity=100)],
    )
    order = order_submit(order_id=order.pk, actor=world["users"]["sales"])
    order_approve(order_id=order.pk, actor=world["users"]["approver"], comment="ok")
    base = live_server.url

    page = new_page()
    login(page, base, "sales")
    page.goto(f"{base}/orders/{order.pk}/")
    expect(page.locator("[data-testid=line-backordered]")).to_have_text("20")
    logout(page)

    login(page, base, "purchasing")
    page.get_by_role("link", name="Purchasing", exact=True).click()
    page.get_by_role("button", name="Compute suggestions now").click()
    row = page.locator("[data-testid=suggestions] tr", has_text="CB-25")
    # available 0 + on order 0 − backordered 20 = −20: refill to 40 → 60.
    expect(row).to_contain_text("60")
    expect(row).to_contain_text("backordered 20")
    page.get_by_role("button", name="Create purchase orders from the ticked suggestions").click()
    expect(page.locator("[data-testid=po-status]")).to_contain_text("Draft")
    page.get_by_role("button", name="Mark as sent").click()
    expect(page.locator("[data-testid=po-status]")).to_contain_text("Sent")
    purchase_order = PurchaseOrder.objects.get()
    assert purchase_order.lines.get().quantity == 60
    page.locator("[data-testid=po-lines] input[type=number]").fill("25")
    page.get_by_role("button", name="Receive goods").click()
    expect(page.locator("[data-testid=po-status]")).to_contain_text("Partially received")
    logout(page)

    login(page, base, "warehouse")
    page.goto(f"{base}/orders/{order.pk}/ship/")
    expect(page.locator("[data-testid=ship-lines] input[type=number]")).to_have_value("100")
    page.get_by_role("button", name="Create pick list").click()
    page.select_option("#id_carrier", label="顺丰速运")
    page.fill("#id_tracking_number", "SF100200300")
    page.click("[data-testid=confirm-shipment]")
    expect(page.locator("[data-testid=shipment-status]")).to_contain_text("Shipped")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.SHIPPED
