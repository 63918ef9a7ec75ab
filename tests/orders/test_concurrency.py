"""Real threads on PostgreSQL against the order services: no oversell, exactly one winner."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import translation

from inventory.models import StockLevel
from opms.accounts.models import User
from orders.errors import OrderChangedConcurrently, OrderTransitionNotAllowed
from orders.models import ApprovalStep, LineReservation, OrderEvent, SalesOrder, SalesOrderLine
from orders.services import order_approve, order_reject, order_submit
from tests.conftest import stocked_product

# Committed data that threads can see; the data migrations' rows (roles, approval policy)
# are put back after the previous transactional test truncated them.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migrated_data")]

Status = SalesOrder.Status


def run_together(calls: list) -> list:
    """Start every call at the same moment, each in its own thread and connection.

    Returns, per call, its result or the exception it raised.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):
                outcomes[index] = call()
        except Exception as exc:  # every outcome is asserted by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def kinds(outcomes: list) -> Counter:
    return Counter(
        "ok" if isinstance(outcome, SalesOrder) else type(outcome).__name__ for outcome in outcomes
    )


def submit_call(order_id: int, user_id: int):
    def call():
        return order_submit(order_id=order_id, actor=User.objects.get(pk=user_id))

    return call


def reserved_in_reservations(product) -> int:
    total = LineReservation.objects.filter(product=product).aggregate(total=Sum("quantity"))
    return total["total"] or 0


def backordered_of(product) -> int:
    total = SalesOrderLine.objects.filter(product=product).aggregate(
        total=Sum("quantity_backordered")
    )
    return total["total"] or 0


def test_twenty_concurrent_submits_reserve_exactly_the_ten_units_on_hand(
    users, make_order, warehouse
):
    product = stocked_product(warehouse, 10, list_price_amount=Decimal("10.00"))
    orders = [make_order([(product, 1)]) for _ in range(20)]

    outcomes = run_together([submit_call(order.pk, users["sales"].pk) for order in orders])

    assert kinds(outcomes) == {"ok": 20}
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    assert (level.on_hand, level.reserved, level.backordered) == (10, 10, 10)
    assert reserved_in_reservations(product) == 10
    assert backordered_of(product) == 10
    statuses = Counter(
        SalesOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    )
    assert statuses == {Status.APPROVED: 20}
    orders[0].customer.refresh_from_db()
    assert orders[0].customer.open_order_amount == Decimal("226.00")


def test_concurrent_submits_of_mixed_quantities_never_oversell_nor_undersell(
    users, make_order, warehouse
):
    product = stocked_product(warehouse, 10, list_price_amount=Decimal("10.00"))
    quantities = [1, 2, 3, 4] * 5
    orders = [make_order([(product, quantity)]) for quantity in quantities]

    outcomes = run_together([submit_call(order.pk, users["sales"].pk) for order in orders])

    assert kinds(outcomes) == {"ok": 20}
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    assert level.reserved == 10 == reserved_in_reservations(product)
    assert level.on_hand == 10
    assert level.backordered == sum(quantities) - 10 == backordered_of(product)


def test_concurrent_submits_over_two_skus_in_opposite_line_order_do_not_deadlock(
    users, make_order, warehouse
):
    first = stocked_product(warehouse, 10, list_price_amount=Decimal("10.00"))
    second = stocked_product(warehouse, 10, list_price_amount=Decimal("10.00"))
    orders = [
        make_order([(first, 1), (second, 1)] if index % 2 else [(second, 1), (first, 1)])
        for index in range(20)
    ]

    outcomes = run_together([submit_call(order.pk, users["sales"].pk) for order in orders])

    assert kinds(outcomes) == {"ok": 20}
    for product in (first, second):
        level = StockLevel.objects.get(product=product, warehouse=warehouse)
        assert level.reserved == 10 == reserved_in_reservations(product)
        assert level.backordered == 10 == backordered_of(product)


def test_fifty_clients_on_three_hot_products_reserve_exactly_what_is_there(
    users, make_order, warehouse
):
    hot = [stocked_product(warehouse, 10, list_price_amount=Decimal("10.00")) for _ in range(3)]
    orders = [
        make_order([(hot[i % 3], 1 + i % 2), (hot[(i + 1) % 3], 1)] if i % 4 else [(hot[i % 3], 2)])
        for i in range(50)
    ]

    outcomes = run_together([submit_call(order.pk, users["sales"].pk) for order in orders])

    assert kinds(outcomes) == {"ok": 50}
    for product in hot:
        wanted = sum(line.quantity for line in SalesOrderLine.objects.filter(product=product))
        level = StockLevel.objects.get(product=product, warehouse=warehouse)
        assert (level.on_hand, level.reserved) == (10, 10)
        assert reserved_in_reservations(product) == 10
        assert level.backordered == wanted - 10 == backordered_of(product)


@pytest.fixture
def pending_order(users, make_order, products):
    order = make_order([(products[0], 100), (products[2], 20)])
    order = order_submit(order_id=order.pk, actor=users["sales"])
    assert order.status == Status.PENDING_APPROVAL
    return order


def approve_call(order_id: int, user_id: int, expected_version: int | None = None):
    def call():
        return order_approve(
            order_id=order_id,
            actor=User.objects.get(pk=user_id),
            comment="ok",
            expected_version=expected_version,
        )

    return call


def test_two_concurrent_approvals_let_exactly_one_win(users, pending_order):
    outcomes = run_together(
        [
            approve_call(pending_order.pk, users["approver"].pk),
            approve_call(pending_order.pk, users["manager"].pk),
        ]
    )

    assert kinds(outcomes) == {"ok": 1, "OrderTransitionNotAllowed": 1}
    winner = next(outcome for outcome in outcomes if isinstance(outcome, SalesOrder))
    loser = next(o for o in outcomes if isinstance(o, OrderTransitionNotAllowed))
    assert str(loser) == f"Order {pending_order.number} cannot be approved while it is Approved."
    pending_order.refresh_from_db()
    assert pending_order.status == Status.APPROVED
    approvals = OrderEvent.objects.filter(order=pending_order, action=OrderEvent.Action.APPROVED)
    assert approvals.count() == 1
    step = ApprovalStep.objects.get(order=pending_order)
    assert step.status == ApprovalStep.Status.APPROVED
    assert step.decided_by_id == approvals.get().actor_id
    assert winner.version == pending_order.version


def test_two_concurrent_approvals_of_the_shown_version_tell_the_loser_to_reload(
    users, pending_order
):
    version = pending_order.version

    outcomes = run_together(
        [
            approve_call(pending_order.pk, users["approver"].pk, expected_version=version),
            approve_call(pending_order.pk, users["manager"].pk, expected_version=version),
        ]
    )

    assert kinds(outcomes) == {"ok": 1, "OrderChangedConcurrently": 1}
    loser = next(o for o in outcomes if isinstance(o, OrderChangedConcurrently))
    assert loser.params == {"number": pending_order.number}
    assert (
        OrderEvent.objects.filter(order=pending_order, action=OrderEvent.Action.APPROVED).count()
        == 1
    )


def test_concurrent_approve_and_reject_leave_one_consistent_outcome(
    users, pending_order, products, warehouse
):
    def reject():
        return order_reject(
            order_id=pending_order.pk, actor=User.objects.get(pk=users["manager"].pk), comment="no"
        )

    outcomes = run_together([approve_call(pending_order.pk, users["approver"].pk), reject])

    assert kinds(outcomes) == {"ok": 1, "OrderTransitionNotAllowed": 1}
    pending_order.refresh_from_db()
    decisions = list(
        OrderEvent.objects.filter(
            order=pending_order,
            action__in=[OrderEvent.Action.APPROVED, OrderEvent.Action.REJECTED],
        ).values_list("action", flat=True)
    )
    reserved = StockLevel.objects.get(product=products[0], warehouse=warehouse).reserved
    if pending_order.status == Status.APPROVED:
        assert (decisions, reserved) == ([OrderEvent.Action.APPROVED], 100)
    else:
        assert pending_order.status == Status.DRAFT
        assert (decisions, reserved) == ([OrderEvent.Action.REJECTED], 0)
    assert reserved == reserved_in_reservations(products[0])
