"""Issue 7 in Chromium: a sales user imports an order file, sees the preview with an error,
fixes the file, uploads it again and confirms; then submits the imported orders."""

import pytest
from playwright.sync_api import expect

from orders.models import SalesOrder
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

HEADER = "外部订单号,客户编码,SKU,数量,单价\n"


def test_sales_imports_an_order_file_fixes_an_error_and_confirms(
    live_server, demo_world, new_page, tmp_path
):
    broken = tmp_path / "orders.csv"
    broken.write_bytes(
        (
            HEADER + "TB-1001,C0001,BR-6204,5,\nTB-1001,C0001,BR-620X,2,\nTB-1002,C0001,FS-M8,10,\n"
        ).encode("gb18030")
    )
    base = live_server.url
    page = new_page()
    login(page, base, "sales")
    page.get_by_role("link", name="Import").click()
    page.set_input_files("#import-file", str(broken))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.locator("[data-testid=import-state]")).to_have_text("Has errors")
    errors = page.locator("[data-testid=import-errors]")
    expect(errors).to_contain_text("BR-620X")
    expect(errors).to_contain_text("No active product with this SKU.")
    expect(page.locator("[data-testid=import-preview]")).to_contain_text(
        "New order TB-1002, line 1"
    )
    expect(page.get_by_role("link", name="Download the error report (XLSX)")).to_be_visible()
    expect(page.locator("[data-testid=import-confirm]")).to_have_count(0)
    assert not SalesOrder.objects.exists()

    fixed = tmp_path / "orders-fixed.csv"
    fixed.write_bytes(broken.read_bytes().replace(b"BR-620X", b"CB-25"))
    page.get_by_role("link", name="← Imports").click()
    page.set_input_files("#import-file", str(fixed))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("[data-testid=import-state]")).to_have_text("Ready to import")
    page.locator("[data-testid=import-confirm]").click()

    expect(page.locator("[data-testid=import-state]")).to_have_text("Imported")
    expect(page.locator("#import-status")).to_contain_text("2 draft orders created.")
    assert sorted(SalesOrder.objects.values_list("external_id", flat=True)) == [
        "TB-1001",
        "TB-1002",
    ]
    page.locator("[data-testid=import-submit-all]").click()
    expect(page.locator(".alert").first).to_contain_text("2 orders submitted.")
    assert set(SalesOrder.objects.values_list("status", flat=True)) <= {
        "approved",
        "pending_approval",
    }
