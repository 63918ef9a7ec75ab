"""Reorder suggestions, low-stock alerts, purchase orders and goods receipts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import StockLevel, StockMove
from inventory.services import stock_adjust, stock_receive
from opms.notifications.events import Event
from opms.notifications.models import Notification
from orders.models import LineReservation, OrderEvent, SalesOrder, SalesOrderLine
from orders.services import order_submit
from purchasing.errors import (
    NoSuggestionsChosen,
    PurchaseOrderTransitionNotAllowed,
    PurchasingPermissionDenied,
    ReceiptEmpty,
    ReceiptQuantityTooLarge,
)
from purchasing.models import (
    GoodsReceipt,
    LowStockAlert,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderSuggestion,
)
from purchasing.services import (
    goods_receipt_post,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_send,
    purchase_orders_create_from_suggestions,
    suggestions_compute,
)
from purchasing.tasks import suggestions_compute_task

Status = PurchaseOrder.Status


def level(product, warehouse) -> StockLevel:
    return StockLevel.objects.get(product=product, warehouse=warehouse)


def open_suggestions() -> list[tuple[str, int]]:
    return list(
        ReorderSuggestion.objects.filter(status=ReorderSuggestion.Status.OPEN)
        .order_by("product__sku")
        .values_list("product__sku", "quantity")
    )


def test_suggestions_cover_positions_below_the_reorder_point_with_the_reason(policies):
    run = suggestions_compute()

    # product 1: 50 < 60, min/max fills to 120 → 70; product 2: 20 < 30 → max(40, 10) = 40.
    assert open_suggestions() == [(policies[1].sku, 70), (policies[2].sku, 40)]
    assert (run.created, run.updated, run.alerts_raised) == (2, 0, 2)
    suggestion = ReorderSuggestion.objects.get(product=policies[2])
    assert suggestion.supplier.code == "SUP1"
    assert str(suggestion.reason) == (
        "available 20 + on order 0 − backordered 0 = 20, below the reorder point 30"
    )


def test_the_suggestion_task_run_twice_creates_no_duplicate_suggestions_or_alerts(policies, users):
    first = suggestions_compute_task.apply().get()
    second = suggestions_compute_task.apply().get()

    assert first == {
        "created": 2,
        "updated": 0,
        "dismissed": 0,
        "alerts_raised": 2,
        "alerts_cleared": 0,
    }
    assert second == {
        "created": 0,
        "updated": 0,
        "dismissed": 0,
        "alerts_raised": 0,
        "alerts_cleared": 0,
    }
    assert ReorderSuggestion.objects.count() == 2
    assert LowStockAlert.objects.count() == 2
    told = Notification.objects.filter(event=Event.LOW_STOCK)
    assert sorted((n.recipient.username, n.params["sku"]) for n in told) == sorted(
        [("purchasing", policies[1].sku), ("purchasing", policies[2].sku)]
    )


def test_a_low_stock_alert_is_raised_and_notified_once_per_crossing(policies, warehouse, users):
    suggestions_compute()
    assert LowStockAlert.objects.filter(product=policies[2], is_open=True).count() == 1
    stock_receive(product_id=policies[2].pk, warehouse_id=warehouse.pk, quantity=30)
    run = suggestions_compute()
    assert run.alerts_cleared == 1
    assert not LowStockAlert.objects.filter(product=policies[2], is_open=True).exists()
    assert ReorderSuggestion.objects.get(product=policies[2]).status == "dismissed"
    stock_adjust(
        product_id=policies[2].pk,
        warehouse_id=warehouse.pk,
        quantity=-45,
        reason_code=StockMove.ReasonCode.DAMAGED,
        comment="water",
    )
    suggestions_compute()
    suggestions_compute()

    assert LowStockAlert.objects.filter(product=policies[2]).count() == 2
    assert LowStockAlert.objects.filter(product=policies[2], is_open=True).count() == 1
    told = Notification.objects.filter(event=Event.LOW_STOCK, params__sku=policies[2].sku)
    assert told.count() == 2


def test_backorders_lower_the_position_and_on_order_raises_it(
    policies, warehouse, users, make_order
):
    order = make_order([(policies[0], 150)])
    order_submit(order_id=order.pk, actor=users["sales"])
    suggestions_compute()
    # available 0 + on order 0 − backordered 50 = −50 < 10 → max(50, 60) = 60.
    assert dict(open_suggestions())[policies[0].sku] == 60

    ids = list(ReorderSuggestion.objects.filter(status="open").values_list("pk", flat=True))
    purchase_orders_create_from_suggestions(suggestion_ids=ids, actor=users["purchasing"])
    run = suggestions_compute()

    assert open_suggestions() == []
    assert run.created == 0
    assert level(policies[0], warehouse).on_order == 60


def test_suggestions_become_one_purchase_order_per_supplier_priced_and_on_order(
    policies, warehouse, users
):
    suggestions_compute()
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))

    (order,) = purchase_orders_create_from_suggestions(
        suggestion_ids=ids, actor=users["purchasing"]
    )

    assert order.status == Status.DRAFT
    assert order.number.startswith("PO-")
    assert order.expected_on == timezone.localdate() + timedelta(days=5)
    assert list(order.lines.order_by("line_no").values_list("product_id", "quantity")) == [
        (policies[1].pk, 70),
        (policies[2].pk, 40),
    ]
    assert str(order.total_amount) == "29400.00"  # 70 × 20 + 40 × 700
    assert level(policies[1], warehouse).on_order == 70
    assert level(policies[2], warehouse).on_order == 40
    assert set(ReorderSuggestion.objects.values_list("status", flat=True)) == {"ordered"}
    with pytest.raises(NoSuggestionsChosen):
        purchase_orders_create_from_suggestions(suggestion_ids=ids, actor=users["purchasing"])


def test_only_purchasing_creates_purchase_orders(policies, users):
    suggestions_compute()
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))

    with pytest.raises(PurchasingPermissionDenied):
        purchase_orders_create_from_suggestions(suggestion_ids=ids, actor=users["sales"])

    assert PurchaseOrder.objects.count() == 0
    assert set(ReorderSuggestion.objects.values_list("status", flat=True)) == {"open"}


@pytest.fixture
def sent_order(policies, users):
    suggestions_compute()
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))
    (order,) = purchase_orders_create_from_suggestions(
        suggestion_ids=ids, actor=users["purchasing"]
    )
    return purchase_order_send(purchase_order_id=order.pk, actor=users["purchasing"])


def po_lines(order) -> list[PurchaseOrderLine]:
    return list(order.lines.order_by("line_no"))


def test_a_draft_cannot_be_received(policies, users):
    suggestions_compute()
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))
    (order,) = purchase_orders_create_from_suggestions(
        suggestion_ids=ids, actor=users["purchasing"]
    )
    with pytest.raises(PurchaseOrderTransitionNotAllowed) as refused:
        goods_receipt_post(
            purchase_order_id=order.pk,
            actor=users["warehouse"],
            quantities={po_lines(order)[0].pk: 1},
        )
    assert str(refused.value) == (
        f"Purchase order {order.number} cannot be received while it is Draft."
    )


def test_partial_receipts_book_stock_and_move_the_order_on(sent_order, warehouse, users):
    first, second = po_lines(sent_order)

    goods_receipt_post(
        purchase_order_id=sent_order.pk, actor=users["warehouse"], quantities={first.pk: 30}
    )
    sent_order.refresh_from_db()
    assert sent_order.status == Status.PARTIALLY_RECEIVED
    assert (level(first.product, warehouse).on_hand, level(first.product, warehouse).on_order) == (
        80,
        40,
    )
    move = StockMove.objects.filter(kind=StockMove.Kind.RECEIPT, product=first.product).latest("pk")
    assert (move.quantity, move.reference) == (30, sent_order.number)

    goods_receipt_post(
        purchase_order_id=sent_order.pk,
        actor=users["warehouse"],
        quantities={first.pk: 40, second.pk: 40},
    )
    sent_order.refresh_from_db()
    assert sent_order.status == Status.RECEIVED
    assert GoodsReceipt.objects.filter(purchase_order=sent_order).count() == 2
    assert level(second.product, warehouse).on_order == 0

    purchase_order_close(purchase_order_id=sent_order.pk, actor=users["purchasing"])
    sent_order.refresh_from_db()
    assert sent_order.status == Status.CLOSED


@pytest.mark.parametrize(
    ("quantity", "error"),
    [(71, ReceiptQuantityTooLarge), (0, ReceiptEmpty), (-3, ReceiptEmpty), (2.5, ReceiptEmpty)],
)
def test_bad_receipt_quantities_are_refused_and_change_nothing(
    sent_order, warehouse, users, quantity, error
):
    first, _second = po_lines(sent_order)
    before = list(StockLevel.objects.order_by("pk").values())

    with pytest.raises(error):
        goods_receipt_post(
            purchase_order_id=sent_order.pk,
            actor=users["warehouse"],
            quantities={first.pk: quantity},
        )

    assert list(StockLevel.objects.order_by("pk").values()) == before
    assert GoodsReceipt.objects.count() == 0
    sent_order.refresh_from_db()
    assert sent_order.status == Status.SENT


def test_closing_a_partly_received_order_stops_counting_the_rest_on_order(
    sent_order, warehouse, users
):
    first, _second = po_lines(sent_order)
    goods_receipt_post(
        purchase_order_id=sent_order.pk, actor=users["warehouse"], quantities={first.pk: 10}
    )

    purchase_order_close(purchase_order_id=sent_order.pk, actor=users["purchasing"])

    assert level(first.product, warehouse).on_order == 0


def test_cancel_uncounts_on_order(sent_order, warehouse, users):
    purchase_order_cancel(purchase_order_id=sent_order.pk, actor=users["purchasing"], reason="x")

    sent_order.refresh_from_db()
    assert sent_order.status == Status.CANCELLED
    assert StockLevel.objects.filter(warehouse=warehouse, on_order__gt=0).count() == 0


def test_goods_receipt_reserves_backorders_priority_first_then_oldest_order(
    sent_order, warehouse, users, make_order, django_capture_on_commit_callbacks
):
    product = po_lines(sent_order)[1].product  # 20 on hand, 40 on order
    today = timezone.localdate()
    orders = {}
    for name, quantity, days_ago, priority in [
        ("early", 25, 5, False),  # gets the 20 on hand, 5 backordered
        ("late", 10, 1, False),
        ("older", 10, 3, False),
        ("urgent", 8, 0, True),
    ]:
        order = make_order([(product, quantity)])
        SalesOrder.objects.filter(pk=order.pk).update(
            order_date=today - timedelta(days=days_ago), is_priority=priority
        )
        orders[name] = order_submit(order_id=order.pk, actor=users["sales"])
    assert level(product, warehouse).backordered == 5 + 10 + 10 + 8

    with django_capture_on_commit_callbacks(execute=True):
        goods_receipt_post(
            purchase_order_id=sent_order.pk,
            actor=users["warehouse"],
            quantities={po_lines(sent_order)[1].pk: 20},
        )

    def backordered(name):
        return SalesOrderLine.objects.get(order=orders[name]).quantity_backordered

    def reserved(name):
        return sum(
            LineReservation.objects.filter(line__order=orders[name]).values_list(
                "quantity", flat=True
            )
        )

    # 20 arrive: urgent (priority) 8, then by order date: early 5, older 7, late 0.
    assert [backordered(n) for n in ["urgent", "early", "older", "late"]] == [0, 0, 3, 10]
    assert [reserved(n) for n in ["urgent", "early", "older", "late"]] == [8, 25, 7, 0]
    stock = level(product, warehouse)
    assert (stock.on_hand, stock.reserved, stock.backordered) == (40, 40, 13)
    event = OrderEvent.objects.get(
        order=orders["older"], action=OrderEvent.Action.BACKORDER_RESERVED
    )
    assert event.payload == {"lines": {"1": 7}}
