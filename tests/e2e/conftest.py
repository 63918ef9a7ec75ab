"""Real-browser fixtures: Debian's Chromium driven by Playwright, against live_server."""

import os
from decimal import Decimal

import pytest

from inventory.services import stock_receive
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    ProductFactory,
    UserFactory,
    WarehouseFactory,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROLES = ["sales", "approver", "warehouse", "purchasing", "finance", "manager"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(*, locale="en-US", viewport=None, **kwargs):
        options = {"locale": locale, **kwargs}
        if viewport:
            options["viewport"] = viewport
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        # Shown by pytest only when a journey fails: what the browser asked and got.
        page.on("response", lambda r: print("browser:", r.request.method, r.url, r.status))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def demo_world(migrated_data):
    """Users per role, a customer, three stocked products in one warehouse, carriers."""
    users = {role: UserFactory(username=role, roles=[role]) for role in ROLES}
    warehouse = WarehouseFactory(code="SH", name="上海仓")
    CarrierFactory(code="SF", name="顺丰速运")
    CarrierFactory(code="ZTO", name="中通快递")
    customer = CustomerFactory(
        code="C0001",
        name="上海华东机电有限公司",
        credit_limit_amount=Decimal("2000000"),
        sales_rep=users["sales"],
    )
    products = []
    for sku, name, price, quantity in [
        ("BR-6204", "深沟球轴承 6204", "320.00", 500),
        ("FS-M8", "六角螺栓 M8×40", "35.50", 1000),
        ("CB-25", "电缆 YJV 3×2.5", "999.99", 80),
    ]:
        product = ProductFactory(sku=sku, name=name, list_price_amount=Decimal(price))
        stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=quantity)
        products.append(product)
    return {"users": users, "customer": customer, "products": products, "warehouse": warehouse}


def login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "opms-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def logout(page) -> None:
    page.locator("form[action$='/accounts/logout/'] button").first.click()
