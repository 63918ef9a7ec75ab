"""The manager reads the dashboard, clicks a chart bar, lands on its orders; exports a report."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import SalesOrder
from orders.services import LineInput, order_create, order_submit
from reports.services import sales_summary_refresh
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _booked(world, quantity: int, *, days_ago: int = 0) -> SalesOrder:
    order = order_create(
        actor=world["users"]["sales"],
        customer=world["customer"],
        warehouse=world["warehouse"],
        lines=[LineInput(product_id=world["products"][1].pk, quantity=quantity)],
    )
    order = order_submit(order_id=order.pk, actor=world["users"]["sales"])
    if days_ago:
        SalesOrder.objects.filter(pk=order.pk).update(
            order_date=timezone.localdate() - timedelta(days=days_ago)
        )
    return order


def test_manager_clicks_a_trend_bar_and_lands_on_its_orders(live_server, new_page, demo_world):
    today_order = _booked(demo_world, 10)
    earlier = _booked(demo_world, 20, days_ago=3)
    sales_summary_refresh()
    page = new_page()
    base = live_server.url
    login(page, base, "manager")
    page.goto(f"{base}/reports/dashboard/?grain=day")
    chart = page.locator("[data-testid=chart-trend]")
    expect(chart.locator("canvas")).to_have_count(1)
    page.wait_for_function("window.opmsCharts && window.opmsCharts['chart-trend']")
    page.wait_for_timeout(1000)  # let the bars grow to their height (ECharts animates)
    # The last bar is today: find its middle on the canvas and click there like a person.
    x, y = page.evaluate(
        """() => {
            const chart = window.opmsCharts['chart-trend'];
            const values = chart.getOption().series[0].data;
            const last = values.length - 1;
            return chart.convertToPixel({seriesIndex: 0}, [last, values[last] / 2]);
        }"""
    )
    chart.scroll_into_view_if_needed()  # the mouse only reaches what is on the screen
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r"/orders/\?"))
    today = timezone.localdate().isoformat()
    assert f"order_date_from={today}" in page.url and f"order_date_to={today}" in page.url
    table = page.locator("[data-testid=order-table]")
    expect(table).to_contain_text(today_order.number)
    expect(table).not_to_contain_text(earlier.number)
    expect(page.locator("[data-testid=drilldown-filters]")).to_be_visible()


def test_manager_exports_a_report_to_xlsx_and_pdf(live_server, new_page, demo_world):
    _booked(demo_world, 10)
    page = new_page()
    base = live_server.url
    login(page, base, "manager")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Sales and gross profit").click()
    page.select_option("#id_group_by", "customer")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-testid=report-table]")).to_contain_text("上海华东机电有限公司")
    expect(page.locator("[data-testid=computed-at]")).to_contain_text("Data computed at")
    with page.expect_download() as xlsx:
        page.click("[data-testid=export-xlsx]")
    path = xlsx.value.path()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    assert open(path, "rb").read(2) == b"PK"
    with page.expect_download() as pdf:
        page.click("[data-testid=export-pdf]")
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
