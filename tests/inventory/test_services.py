"""Stock services: reserve all or nothing, release, issue through the ledger, receive."""

import pytest

from inventory.errors import InsufficientStock, StockLevelCorrupted
from inventory.models import StockLevel, StockMove
from inventory.services import (
    StockRequest,
    stock_issue,
    stock_receive,
    stock_release,
    stock_reserve,
)
from tests.factories import ProductFactory, WarehouseFactory


def levels() -> list[tuple[int, int, int, int]]:
    return list(
        StockLevel.objects.order_by("product_id", "warehouse_id").values_list(
            "product_id", "warehouse_id", "on_hand", "reserved"
        )
    )


def ledger() -> list[tuple]:
    return list(
        StockMove.objects.order_by("pk").values_list(
            "product_id", "warehouse_id", "kind", "quantity", "reference"
        )
    )


@pytest.fixture
def stock(products, warehouse):
    """Products 0, 1, 2 with 100, 50, 20 on hand and nothing reserved."""
    return products


def request(product, warehouse, quantity: int) -> StockRequest:
    return StockRequest(product.pk, warehouse.pk, quantity)


def test_reserve_holds_every_requested_quantity(stock, warehouse):
    stock_reserve(requests=[request(stock[0], warehouse, 30), request(stock[2], warehouse, 20)])

    assert levels() == [
        (stock[0].pk, warehouse.pk, 100, 30),
        (stock[1].pk, warehouse.pk, 50, 0),
        (stock[2].pk, warehouse.pk, 20, 20),
    ]
    assert StockMove.objects.filter(quantity__lt=0).count() == 0


def test_reserve_adds_up_requests_for_the_same_stock(stock, warehouse):
    stock_reserve(requests=[request(stock[1], warehouse, 20), request(stock[1], warehouse, 25)])

    assert StockLevel.objects.get(product=stock[1]).reserved == 45


def test_reserve_is_all_or_nothing(stock, warehouse):
    before = (levels(), ledger())

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(
            requests=[
                request(stock[0], warehouse, 100),
                request(stock[1], warehouse, 30),
                request(stock[2], warehouse, 21),
            ]
        )

    assert refused.value.shortages == [
        {
            "product_id": stock[2].pk,
            "sku": stock[2].sku,
            "name": stock[2].name,
            "warehouse": "上海仓",
            "wanted": 21,
            "available": 20,
        }
    ]
    assert refused.value.code == "insufficient_stock"
    assert (levels(), ledger()) == before


def test_reserve_counts_what_is_already_reserved(stock, warehouse):
    stock_reserve(requests=[request(stock[2], warehouse, 15)])
    before = levels()

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(requests=[request(stock[2], warehouse, 6)])

    assert [(s["wanted"], s["available"]) for s in refused.value.shortages] == [(6, 5)]
    assert levels() == before


def test_reserve_in_a_warehouse_without_stock_is_refused(stock):
    empty = WarehouseFactory(code="BJ", name="北京仓")
    before = levels()

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(requests=[request(stock[0], empty, 1)])

    assert str(refused.value) == (
        f"Not enough stock: {stock[0].sku} {stock[0].name} needs 1, 0 available in 北京仓."
    )
    assert levels() == before


def test_release_gives_reserved_stock_back(stock, warehouse):
    stock_reserve(requests=[request(stock[0], warehouse, 30), request(stock[1], warehouse, 10)])

    stock_release(requests=[request(stock[0], warehouse, 30), request(stock[1], warehouse, 4)])

    assert levels() == [
        (stock[0].pk, warehouse.pk, 100, 0),
        (stock[1].pk, warehouse.pk, 50, 6),
        (stock[2].pk, warehouse.pk, 20, 0),
    ]


def test_issue_lowers_on_hand_and_reserved_and_writes_the_ledger(stock, warehouse, users):
    stock_reserve(requests=[request(stock[0], warehouse, 30), request(stock[1], warehouse, 10)])
    receipts = ledger()

    stock_issue(
        requests=[request(stock[1], warehouse, 10), request(stock[0], warehouse, 25)],
        reference="SH-2026-000001",
        actor=users["warehouse"],
    )

    assert levels()[:2] == [
        (stock[0].pk, warehouse.pk, 75, 5),
        (stock[1].pk, warehouse.pk, 40, 0),
    ]
    assert ledger() == [
        *receipts,
        (stock[0].pk, warehouse.pk, StockMove.Kind.SHIPMENT, -25, "SH-2026-000001"),
        (stock[1].pk, warehouse.pk, StockMove.Kind.SHIPMENT, -10, "SH-2026-000001"),
    ]
    assert set(StockMove.objects.filter(quantity__lt=0).values_list("actor", flat=True)) == {
        users["warehouse"].pk
    }


def test_issue_of_more_than_reserved_is_refused_and_changes_nothing(stock, warehouse):
    stock_reserve(requests=[request(stock[0], warehouse, 5), request(stock[1], warehouse, 5)])
    before = (levels(), ledger())

    with pytest.raises(StockLevelCorrupted) as refused:
        stock_issue(
            requests=[request(stock[0], warehouse, 5), request(stock[1], warehouse, 6)],
            reference="SH-2026-000002",
        )

    assert str(refused.value) == (
        f"Stock of {stock[1].sku} in 上海仓 cannot be issued: reserved < shipped."
    )
    assert (levels(), ledger()) == before


def test_receive_creates_the_stock_level_and_a_ledger_line(warehouse, users):
    product = ProductFactory()

    move = stock_receive(
        product_id=product.pk,
        warehouse_id=warehouse.pk,
        quantity=12,
        reference="PO-2026-000001",
        actor=users["warehouse"],
    )

    assert (move.kind, move.quantity, move.reference, move.actor) == (
        StockMove.Kind.RECEIPT,
        12,
        "PO-2026-000001",
        users["warehouse"],
    )
    assert levels() == [(product.pk, warehouse.pk, 12, 0)]


def test_receive_adds_to_existing_stock(stock, warehouse):
    stock_receive(product_id=stock[2].pk, warehouse_id=warehouse.pk, quantity=5)

    assert StockLevel.objects.get(product=stock[2]).on_hand == 25
    assert list(
        StockMove.objects.filter(product=stock[2]).order_by("pk").values_list("quantity", flat=True)
    ) == [20, 5]


def test_negative_adjustment_may_take_on_hand_down_to_what_is_reserved(stock, warehouse):
    stock_reserve(requests=[request(stock[2], warehouse, 6)])

    move = stock_receive(
        product_id=stock[2].pk,
        warehouse_id=warehouse.pk,
        quantity=-14,
        kind=StockMove.Kind.ADJUSTMENT,
        reason="stock take",
    )

    assert (move.kind, move.quantity, move.reason) == (
        StockMove.Kind.ADJUSTMENT,
        -14,
        "stock take",
    )
    assert StockLevel.objects.filter(product=stock[2]).values_list("on_hand", "reserved").get() == (
        6,
        6,
    )


def test_negative_adjustment_below_reserved_is_refused(stock, warehouse):
    stock_reserve(requests=[request(stock[2], warehouse, 6)])
    before = (levels(), ledger())

    with pytest.raises(InsufficientStock) as refused:
        stock_receive(
            product_id=stock[2].pk,
            warehouse_id=warehouse.pk,
            quantity=-15,
            kind=StockMove.Kind.ADJUSTMENT,
        )

    assert [(s["wanted"], s["available"]) for s in refused.value.shortages] == [(15, 14)]
    assert (levels(), ledger()) == before


def test_negative_adjustment_without_stock_leaves_no_stock_level_behind(warehouse):
    product = ProductFactory()

    with pytest.raises(InsufficientStock):
        stock_receive(
            product_id=product.pk,
            warehouse_id=warehouse.pk,
            quantity=-1,
            kind=StockMove.Kind.ADJUSTMENT,
        )

    assert StockLevel.objects.filter(product=product).count() == 0
    assert StockMove.objects.filter(product=product).count() == 0


def test_on_hand_always_equals_the_ledger(stock, warehouse):
    stock_reserve(requests=[request(stock[0], warehouse, 40)])
    stock_issue(requests=[request(stock[0], warehouse, 15)], reference="SH-1")
    stock_receive(product_id=stock[0].pk, warehouse_id=warehouse.pk, quantity=7)
    stock_receive(
        product_id=stock[0].pk,
        warehouse_id=warehouse.pk,
        quantity=-3,
        kind=StockMove.Kind.ADJUSTMENT,
    )

    level = StockLevel.objects.get(product=stock[0])
    assert level.on_hand == 89
    assert level.on_hand == sum(
        StockMove.objects.filter(product=stock[0]).values_list("quantity", flat=True)
    )
    assert level.reserved == 25
