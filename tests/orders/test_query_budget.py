"""DESIGN.md's budget: order entry with 5 lines (pricing, credit, reservation, approval
routing, audit) in at most 25 SQL statements — entry and submit together."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.services import stock_receive
from orders.integration.services import webhook_subscriptions_active
from orders.models import SalesOrder
from orders.services import LineInput, order_create, order_submit
from tests.factories import ProductFactory


def test_entering_and_submitting_a_five_line_order_stays_within_the_budget(
    users, customer, warehouse
):
    products = [ProductFactory() for _ in range(5)]
    for product in products:
        stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=1000)
    webhook_subscriptions_active()  # steady state: the webhook subscriptions are cached
    with CaptureQueriesContext(connection) as entry:
        order = order_create(
            actor=users["sales"],
            customer=customer,
            warehouse=warehouse,
            lines=[LineInput(product_id=p.pk, quantity=100) for p in products],
        )
    with CaptureQueriesContext(connection) as submit:
        order = order_submit(order_id=order.pk, actor=users["sales"])
    assert order.status == SalesOrder.Status.PENDING_APPROVAL
    statements = [
        q
        for q in entry.captured_queries + submit.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    # 8 to enter (number, products, price rules, order + history, lines + history, event)
    # and 14 to submit (lock, permissions, lines, the stock rows of all five products
    # locked in one statement and written back in one, reservations, approval policy,
    # customer lock with the credit policy, exposure, ...).
    assert len(statements) == 22


def test_a_backordered_line_costs_one_more_statement(users, customer, warehouse):
    products = [ProductFactory() for _ in range(5)]
    for product in products[:4]:
        stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=1000)
    order = order_create(
        actor=users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=p.pk, quantity=100) for p in products],
    )
    webhook_subscriptions_active()  # steady state, as above
    with CaptureQueriesContext(connection) as submit:
        order = order_submit(order_id=order.pk, actor=users["sales"])
    statements = [
        q
        for q in submit.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    # 14 as above, plus the stock row created for the product never stocked here
    # (insert and a second locked read) and the line's backorder.
    assert len(statements) == 17
    assert order.lines.get(product=products[4]).quantity_backordered == 100
