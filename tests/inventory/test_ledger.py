"""Allocation with backorders, adjustments, transfers and stock takes; bad input changes nothing."""

import pytest
from django.utils import translation

from inventory.errors import (
    AdjustmentInvalid,
    InsufficientStock,
    QuantityInvalid,
    TransferToSameWarehouse,
)
from inventory.models import StockLevel, StockMove
from inventory.services import (
    AllocationRequest,
    stock_adjust,
    stock_allocate,
    stock_receive,
    stock_take_post,
    stock_transfer,
)
from tests.factories import WarehouseFactory


def snapshot() -> dict:
    return {
        "levels": list(StockLevel.objects.order_by("pk").values()),
        "moves": list(StockMove.objects.order_by("pk").values()),
    }


def figures(product, warehouse) -> tuple[int, int, int]:
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    return level.on_hand, level.reserved, level.backordered


@pytest.fixture
def north(db):
    return WarehouseFactory(code="BJ", name="北京仓")


def test_allocation_prefers_the_own_warehouse_then_the_fullest_other_then_backorders(
    products, warehouse, north
):
    third = WarehouseFactory(code="GZ", name="广州仓")
    stock_receive(product_id=products[2].pk, warehouse_id=north.pk, quantity=3)
    stock_receive(product_id=products[2].pk, warehouse_id=third.pk, quantity=7)

    (allocation,) = stock_allocate(
        requests=[AllocationRequest(1, products[2].pk, warehouse.pk, 35)]
    )

    assert allocation.reserved == {warehouse.pk: 20, third.pk: 7, north.pk: 3}
    assert allocation.backordered == 5
    assert figures(products[2], warehouse) == (20, 20, 5)
    assert figures(products[2], north) == (3, 3, 0)


def test_a_backorder_in_a_warehouse_that_never_held_the_product_gets_a_row(
    products, warehouse, north
):
    (allocation,) = stock_allocate(requests=[AllocationRequest(1, products[0].pk, north.pk, 120)])

    assert allocation.reserved == {warehouse.pk: 100}
    assert figures(products[0], north) == (0, 0, 20)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_allocation_refuses_quantities_that_are_not_whole_and_positive(
    products, warehouse, quantity
):
    before = snapshot()
    with pytest.raises(QuantityInvalid):
        stock_allocate(requests=[AllocationRequest(1, products[0].pk, warehouse.pk, quantity)])
    assert snapshot() == before


def test_an_adjustment_books_the_ledger_with_reason_code_and_comment(products, warehouse, users):
    move = stock_adjust(
        product_id=products[1].pk,
        warehouse_id=warehouse.pk,
        quantity=-4,
        reason_code=StockMove.ReasonCode.DAMAGED,
        comment="forklift",
        actor=users["warehouse"],
    )

    assert (move.kind, move.quantity, move.reason_code, move.reason) == (
        StockMove.Kind.ADJUSTMENT,
        -4,
        "damaged",
        "forklift",
    )
    assert figures(products[1], warehouse) == (46, 0, 0)


@pytest.mark.parametrize(
    ("quantity", "reason_code"), [(0, "damaged"), (2.5, "damaged"), (3, ""), (3, "bogus")]
)
def test_bad_adjustments_are_refused_and_change_nothing(products, warehouse, quantity, reason_code):
    before = snapshot()
    with pytest.raises(AdjustmentInvalid) as refused:
        stock_adjust(
            product_id=products[1].pk,
            warehouse_id=warehouse.pk,
            quantity=quantity,
            reason_code=reason_code,
        )
    assert snapshot() == before
    with translation.override("zh-hans"):
        assert str(refused.value) == "调整需要非零数量和原因代码。"


def test_an_adjustment_cannot_take_reserved_stock(products, warehouse):
    stock_allocate(requests=[AllocationRequest(1, products[2].pk, warehouse.pk, 15)])
    before = snapshot()

    with pytest.raises(InsufficientStock):
        stock_adjust(
            product_id=products[2].pk, warehouse_id=warehouse.pk, quantity=-6, reason_code="lost"
        )

    assert snapshot() == before


def test_a_transfer_books_out_and_in_together(products, warehouse, north, users):
    transfer = stock_transfer(
        product_id=products[0].pk,
        from_warehouse_id=warehouse.pk,
        to_warehouse_id=north.pk,
        quantity=30,
        comment="rebalance",
        actor=users["warehouse"],
    )

    assert transfer.reference.startswith("TR-")
    assert figures(products[0], warehouse) == (70, 0, 0)
    assert figures(products[0], north) == (30, 0, 0)
    assert list(
        StockMove.objects.filter(reference=transfer.reference)
        .order_by("pk")
        .values_list("warehouse_id", "kind", "quantity")
    ) == [(warehouse.pk, "transfer_out", -30), (north.pk, "transfer_in", 30)]


def test_a_transfer_to_the_same_warehouse_is_refused_in_chinese_too(products, warehouse):
    before = snapshot()
    with pytest.raises(TransferToSameWarehouse) as refused:
        stock_transfer(
            product_id=products[0].pk,
            from_warehouse_id=warehouse.pk,
            to_warehouse_id=warehouse.pk,
            quantity=1,
        )
    assert snapshot() == before
    assert str(refused.value) == "A transfer needs two different warehouses."
    with translation.override("zh-hans"):
        assert str(refused.value) == "调拨需要两个不同的仓库。"


@pytest.mark.parametrize("quantity", [0, -5, 2.5])
def test_a_transfer_of_a_bad_quantity_is_refused(products, warehouse, north, quantity):
    before = snapshot()
    with pytest.raises(QuantityInvalid):
        stock_transfer(
            product_id=products[0].pk,
            from_warehouse_id=warehouse.pk,
            to_warehouse_id=north.pk,
            quantity=quantity,
        )
    assert snapshot() == before


def test_a_transfer_cannot_move_reserved_stock(products, warehouse, north):
    stock_allocate(requests=[AllocationRequest(1, products[2].pk, warehouse.pk, 15)])
    before = snapshot()
    with pytest.raises(InsufficientStock):
        stock_transfer(
            product_id=products[2].pk,
            from_warehouse_id=warehouse.pk,
            to_warehouse_id=north.pk,
            quantity=6,
        )
    assert snapshot() == before


def test_a_stock_take_posts_only_the_differences(products, warehouse, users):
    moves = stock_take_post(
        warehouse_id=warehouse.pk,
        counts={products[0].pk: 100, products[1].pk: 47, products[2].pk: 22},
        comment="year end",
        actor=users["warehouse"],
    )

    assert [(m.product_id, m.quantity, m.reason_code) for m in moves] == [
        (products[1].pk, -3, "count"),
        (products[2].pk, 2, "count"),
    ]
    assert figures(products[1], warehouse)[0] == 47
    assert figures(products[2], warehouse)[0] == 22


def test_a_stock_take_with_a_negative_count_changes_nothing(products, warehouse):
    before = snapshot()
    with pytest.raises(QuantityInvalid):
        stock_take_post(warehouse_id=warehouse.pk, counts={products[0].pk: 90, products[1].pk: -1})
    assert snapshot() == before
