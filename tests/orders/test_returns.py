"""Returns (RMA): request against shipped lines, approve or reject, receive into stock."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import StockLevel, StockMove
from orders.errors import (
    CommentRequired,
    OrderPermissionDenied,
    ReturnEmpty,
    ReturnQuantityTooLarge,
    ReturnTransitionNotAllowed,
)
from orders.models import OrderEvent, SalesReturn
from orders.selectors import returns_received_for_credit
from orders.services import (
    order_submit,
    return_approve,
    return_receive,
    return_reject,
    return_request,
    shipment_confirm,
    shipment_create,
)
from orders.signals import return_received


@pytest.fixture
def shipped(users, make_order, products):
    order = make_order([(products[0], 10), (products[1], 4)])
    order = order_submit(order_id=order.pk, actor=users["sales"])
    first, second = order.lines.order_by("line_no")
    shipment = shipment_create(
        order_id=order.pk, actor=users["warehouse"], quantities={first.pk: 6, second.pk: 4}
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    return order


def lines(order):
    return list(order.lines.order_by("line_no"))


def on_hand(product, warehouse) -> int:
    return StockLevel.objects.get(product=product, warehouse=warehouse).on_hand


def test_a_return_is_priced_from_the_order_line_and_in_the_timeline(shipped, users):
    first, _second = lines(shipped)

    sales_return = return_request(
        order_id=shipped.pk, actor=users["sales"], quantities={first.pk: 2}, reason="broken"
    )

    assert sales_return.status == SalesReturn.Status.REQUESTED
    assert sales_return.number.startswith("RMA-")
    # 10 × 320.00 net 3200.00, tax 416.00 → 2 units: 640.00 + 83.20.
    assert (sales_return.net_amount, sales_return.tax_amount) == (
        Decimal("640.00"),
        Decimal("83.20"),
    )
    event = shipped.events.get(action=OrderEvent.Action.RETURN_REQUESTED)
    assert event.payload == {"return": sales_return.number, "lines": {"1": 2}}


@pytest.mark.parametrize(
    ("quantity", "error"), [(7, ReturnQuantityTooLarge), (0, ReturnEmpty), (-1, ReturnEmpty)]
)
def test_returning_more_than_shipped_or_nothing_is_refused(shipped, users, quantity, error):
    first, _second = lines(shipped)
    with pytest.raises(error):
        return_request(
            order_id=shipped.pk, actor=users["sales"], quantities={first.pk: quantity}, reason="x"
        )
    assert SalesReturn.objects.count() == 0


def test_a_return_needs_a_reason_and_the_sales_role(shipped, users):
    first, _second = lines(shipped)
    with pytest.raises(CommentRequired):
        return_request(
            order_id=shipped.pk, actor=users["sales"], quantities={first.pk: 1}, reason=""
        )
    with pytest.raises(OrderPermissionDenied):
        return_request(
            order_id=shipped.pk, actor=users["warehouse"], quantities={first.pk: 1}, reason="x"
        )
    assert SalesReturn.objects.count() == 0


def test_requested_quantities_count_until_rejected(shipped, users):
    first, _second = lines(shipped)
    first_return = return_request(
        order_id=shipped.pk, actor=users["sales"], quantities={first.pk: 5}, reason="a"
    )
    with pytest.raises(ReturnQuantityTooLarge):
        return_request(
            order_id=shipped.pk, actor=users["sales"], quantities={first.pk: 2}, reason="b"
        )

    return_reject(return_id=first_return.pk, actor=users["approver"], comment="not ours")

    again = return_request(
        order_id=shipped.pk, actor=users["sales"], quantities={first.pk: 6}, reason="c"
    )
    assert again.lines.get().quantity == 6


def test_receiving_restocks_or_scraps_through_the_ledger(
    shipped, users, products, warehouse, django_capture_on_commit_callbacks
):
    first, second = lines(shipped)
    sales_return = return_request(
        order_id=shipped.pk,
        actor=users["sales"],
        quantities={first.pk: 2, second.pk: 1},
        reason="wrong model",
    )
    with pytest.raises(ReturnTransitionNotAllowed):
        return_receive(return_id=sales_return.pk, actor=users["warehouse"], conditions={})
    return_approve(return_id=sales_return.pk, actor=users["approver"])
    before = (on_hand(products[0], warehouse), on_hand(products[1], warehouse))
    scrap_line = sales_return.lines.get(order_line=second)

    heard = []

    def listen(sender, **kwargs):
        heard.append((kwargs["return_id"], kwargs["order_id"], kwargs["actor"].username))

    return_received.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            return_receive(
                return_id=sales_return.pk,
                actor=users["warehouse"],
                conditions={scrap_line.pk: "scrap"},
            )
    finally:
        return_received.disconnect(listen)

    assert heard == [(sales_return.pk, shipped.pk, "warehouse")]

    assert on_hand(products[0], warehouse) == before[0] + 2
    assert on_hand(products[1], warehouse) == before[1]
    assert list(
        StockMove.objects.filter(reference=sales_return.number).values_list("kind", "quantity")
    ) == [("return", 2), ("return", 1)]
    scrap = StockMove.objects.get(reason=sales_return.number)
    assert (scrap.kind, scrap.quantity, scrap.reason_code) == ("adjustment", -1, "scrap")
    (credited,) = returns_received_for_credit(order_id=shipped.pk)
    assert credited.number == sales_return.number
    assert [
        (line.order_line.line_no, line.quantity, line.condition) for line in credited.lines.all()
    ] == [
        (1, 2, "restock"),
        (2, 1, "scrap"),
    ]
    assert shipped.events.filter(action=OrderEvent.Action.RETURN_RECEIVED).count() == 1


def test_only_approvers_decide_returns(shipped, users):
    first, _second = lines(shipped)
    sales_return = return_request(
        order_id=shipped.pk, actor=users["sales"], quantities={first.pk: 1}, reason="x"
    )
    with pytest.raises(OrderPermissionDenied):
        return_approve(return_id=sales_return.pk, actor=users["sales"])
    sales_return.refresh_from_db()
    assert sales_return.status == SalesReturn.Status.REQUESTED


def test_return_screens_for_each_role(client, shipped, users):
    first, _second = lines(shipped)
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:return_create", args=[shipped.pk]),
        {f"return-{first.pk}": "1", "reason": "dented"},
    )
    sales_return = SalesReturn.objects.get()
    assert response["Location"] == reverse("orders:return", args=[sales_return.pk])
    bad = client.post(
        reverse("orders:return_create", args=[shipped.pk]),
        {f"return-{first.pk}": "1.5", "reason": "dented"},
    )
    assert bad.status_code == 422 and SalesReturn.objects.count() == 1

    client.force_login(users["approver"])
    client.post(reverse("orders:return_decide", args=[sales_return.pk]), {"decision": "approve"})
    client.force_login(users["warehouse"])
    page = client.get(reverse("orders:return", args=[sales_return.pk])).content.decode()
    assert 'data-testid="receive-return"' in page
    client.post(reverse("orders:return_receive", args=[sales_return.pk]), {})
    sales_return.refresh_from_db()
    assert sales_return.status == SalesReturn.Status.RECEIVED
    detail = client.get(reverse("orders:detail", args=[shipped.pk])).content.decode()
    assert sales_return.number in detail
