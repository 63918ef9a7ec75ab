"""order_place: entering and submitting at once gives what order_create + order_submit give,
in one transaction; a refusal writes nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from inventory.models import StockLevel
from inventory.services import stock_receive
from orders.errors import OrderPermissionDenied, OrderTransitionNotAllowed
from orders.integration.services import webhook_subscriptions_active
from orders.models import ApprovalStep, LineReservation, OrderEvent, SalesOrder, SalesOrderLine
from orders.services import LineInput, order_create, order_place, order_submit
from tests.factories import CustomerFactory, ProductFactory, UserFactory

LINE_FIELDS = [
    "line_no",
    "product_id",
    "quantity",
    "unit_price_amount",
    "list_price_amount",
    "discount_percent",
    "price_rule_name",
    "lines_amount",
    "discount_amount",
    "net_amount",
    "tax_amount",
    "tax_rate",
    "quantity_backordered",
]
ORDER_FIELDS = [
    "status",
    "approval_reason",
    "held_from_status",
    "lines_amount",
    "discount_amount",
    "tax_amount",
    "total_amount",
    "currency",
    "team_id",
    "sales_rep_id",
]


def outcome(order: SalesOrder) -> dict:
    """What an entered and submitted order left behind, without ids and times."""
    order = SalesOrder.objects.get(pk=order.pk)
    return {
        "order": {name: getattr(order, name) for name in ORDER_FIELDS},
        "lines": list(order.lines.order_by("line_no").values(*LINE_FIELDS)),
        "reservations": list(
            LineReservation.objects.filter(line__order=order)
            .order_by("line__line_no", "warehouse_id")
            .values_list("line__line_no", "warehouse_id", "quantity")
        ),
        "steps": list(
            ApprovalStep.objects.filter(order=order)
            .order_by("level")
            .values_list("level", "status", "approver_group_id", "reason")
        ),
        "events": list(
            OrderEvent.objects.filter(order=order)
            .order_by("pk")
            .values_list("action", "actor_id", "from_status", "to_status", "comment", "payload")
        ),
        "history": sorted(order.history.values_list("status", "history_type")),
        "line_history": order.lines.first().history.count(),
    }


@pytest.mark.parametrize(
    ("quantities", "limit"),
    [
        ([3, 2, 1], Decimal("1000000.00")),  # approved at once
        ([120, 40, 30], Decimal("1000000.00")),  # over the approval amount; a backorder
        ([3, 2, 1], Decimal("50.00")),  # over the credit limit: finance approves
    ],
)
def test_place_leaves_what_create_and_submit_leave(users, warehouse, products, quantities, limit):
    results = []
    for _attempt in range(2):
        customer = CustomerFactory(credit_limit_amount=limit, sales_rep=users["sales"])
        for product in products:  # the same stock for both attempts
            stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=100)
        lines = [
            LineInput(product_id=p.pk, quantity=q)
            for p, q in zip(products, quantities, strict=True)
        ]
        results.append((customer, lines))
    (first_customer, lines), (second_customer, _same) = results

    draft = order_create(
        actor=users["sales"], customer=first_customer, warehouse=warehouse, lines=lines
    )
    two_steps = outcome(order_submit(order_id=draft.pk, actor=users["sales"]))
    one_step = outcome(
        order_place(
            actor=users["sales"], customer=second_customer, warehouse=warehouse, lines=lines
        )
    )

    assert one_step["order"] == two_steps["order"]
    assert one_step["lines"] == two_steps["lines"]
    assert one_step["reservations"] == two_steps["reservations"]
    assert one_step["steps"] == two_steps["steps"]
    assert one_step["events"] == two_steps["events"]
    # The draft round trip wrote two order history rows; placing writes the final one.
    assert one_step["history"] == [(two_steps["order"]["status"], "+")]
    assert one_step["line_history"] == two_steps["line_history"] == 1
    first_customer.refresh_from_db()
    second_customer.refresh_from_db()
    assert second_customer.open_order_amount == first_customer.open_order_amount


def test_a_refused_place_writes_nothing(users, customer, warehouse, products):
    clerk = UserFactory(username="viewer", roles=[])  # may not submit
    before = (
        SalesOrder.objects.count(),
        SalesOrderLine.objects.count(),
        OrderEvent.objects.count(),
        list(StockLevel.objects.order_by("pk").values_list("reserved", "backordered")),
        Customer.objects.get(pk=customer.pk).open_order_amount,
    )

    with pytest.raises(OrderPermissionDenied):
        order_place(
            actor=clerk,
            customer=customer,
            warehouse=warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=1)],
        )

    assert before == (
        SalesOrder.objects.count(),
        SalesOrderLine.objects.count(),
        OrderEvent.objects.count(),
        list(StockLevel.objects.order_by("pk").values_list("reserved", "backordered")),
        Customer.objects.get(pk=customer.pk).open_order_amount,
    )


def test_a_free_order_cannot_be_placed(users, customer, warehouse):
    free = ProductFactory(list_price_amount=Decimal("0.00"))

    with pytest.raises(OrderTransitionNotAllowed):
        order_place(
            actor=users["sales"],
            customer=customer,
            warehouse=warehouse,
            lines=[LineInput(product_id=free.pk, quantity=1)],
        )

    assert not SalesOrder.objects.exists()


def test_placing_a_five_line_order_costs_fourteen_statements(users, customer, warehouse):
    products = [ProductFactory() for _ in range(5)]
    for product in products:
        stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=1000)
    webhook_subscriptions_active()  # steady state: the webhook subscriptions are cached
    lines = [LineInput(product_id=p.pk, quantity=1) for p in products]
    order_place(actor=users["sales"], customer=customer, warehouse=warehouse, lines=lines)

    with CaptureQueriesContext(connection) as captured:
        order = order_place(
            actor=users["sales"], customer=customer, warehouse=warehouse, lines=lines
        )

    assert order.status == SalesOrder.Status.APPROVED
    # number, products, price rules, approval rules, customer lock with the credit policy,
    # exposure, order + history, lines + history, stock rows locked and written back,
    # reservations, the two events (entered, submitted).
    # (The savepoint around it is the test's transaction; a request has none.)
    assert [
        q["sql"].split()[0]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "UPDATE",
        "INSERT",
        "INSERT",
        "INSERT",
        "INSERT",
        "SELECT",
        "UPDATE",
        "INSERT",
        "INSERT",
    ]
