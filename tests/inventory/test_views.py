"""Stock ledger screens: adjustment, transfer and stock take through HTTP; the product page."""

import pytest
from django.urls import reverse

from inventory.models import StockLevel, StockMove
from tests.factories import WarehouseFactory


def snapshot() -> dict:
    return {
        "levels": list(StockLevel.objects.order_by("pk").values()),
        "moves": list(StockMove.objects.order_by("pk").values()),
    }


@pytest.fixture
def north(db):
    return WarehouseFactory(code="BJ", name="北京仓")


def test_warehouse_books_an_adjustment(client, users, products, warehouse):
    client.force_login(users["warehouse"])
    response = client.post(
        reverse("inventory:ledger"),
        {
            "action": "adjust",
            "adjust-product": products[1].sku,
            "adjust-warehouse": warehouse.pk,
            "adjust-quantity": "-2",
            "adjust-reason_code": "damaged",
            "adjust-comment": "dropped",
        },
    )
    assert response.status_code == 302
    assert StockLevel.objects.get(product=products[1], warehouse=warehouse).on_hand == 48


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        (
            "adjust",
            {"adjust-quantity": "1.5", "adjust-reason_code": "lost", "adjust-comment": "x"},
            "输入整数。",
        ),
        (
            "adjust",
            {"adjust-quantity": "3", "adjust-reason_code": "lost", "adjust-comment": ""},
            "该字段是必填项。",
        ),
        ("transfer", {"transfer-quantity": "-4"}, "确保该值大于或等于1。"),
        ("transfer", {"transfer-quantity": "4", "same": "1"}, "调拨需要两个不同的仓库。"),
    ],
)
def test_bad_ledger_input_gets_a_translated_error_and_changes_nothing(
    client, users, products, warehouse, north, action, fields, message
):
    client.force_login(users["warehouse"])
    data = {"action": action}
    if action == "adjust":
        data.update({"adjust-product": products[0].sku, "adjust-warehouse": warehouse.pk})
    else:
        target = warehouse if fields.pop("same", None) else north
        data.update(
            {
                "transfer-product": products[0].sku,
                "transfer-from_warehouse": warehouse.pk,
                "transfer-to_warehouse": target.pk,
            }
        )
    data.update(fields)
    before = snapshot()

    response = client.post(reverse("inventory:ledger"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


def test_stock_take_shows_differences_then_posts_them(client, users, products, warehouse):
    client.force_login(users["warehouse"])
    url = reverse("inventory:stock_take")
    counts = {f"count-{products[0].pk}": "100", f"count-{products[2].pk}": "17"}

    preview = client.post(url, {"warehouse": warehouse.pk, "action": "preview", **counts})
    assert preview.status_code == 200
    assert preview.context["differences"][0]["difference"] == -3
    assert StockMove.objects.filter(kind=StockMove.Kind.ADJUSTMENT).count() == 0

    posted = client.post(url, {"warehouse": warehouse.pk, "action": "post", **counts})
    assert posted.status_code == 302
    assert StockLevel.objects.get(product=products[2], warehouse=warehouse).on_hand == 17


def test_sales_cannot_book_the_ledger(client, users):
    client.force_login(users["sales"])
    assert client.get(reverse("inventory:ledger")).status_code == 403


def test_product_page_shows_the_running_balance(client, users, products, warehouse):
    client.force_login(users["warehouse"])
    client.post(
        reverse("inventory:ledger"),
        {
            "action": "adjust",
            "adjust-product": products[2].sku,
            "adjust-warehouse": warehouse.pk,
            "adjust-quantity": "5",
            "adjust-reason_code": "found",
            "adjust-comment": "behind shelf",
        },
    )
    response = client.get(reverse("inventory:product", args=[products[2].pk]))
    rows = response.context["moves"]
    assert [(row["move"].quantity, row["balance"]) for row in rows] == [(5, 25), (20, 20)]
