"""Property-based: after any sequence of receipts, reservations (orders), shipments, returns,
adjustments, transfers, cancellations and backorder fills, the ledger invariants hold."""

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory.models import StockLevel, StockMove
from inventory.services import stock_adjust, stock_receive, stock_transfer
from opms.core.errors import DomainError
from orders.models import LineReservation, SalesOrderLine
from orders.selectors import shipment_open_lines
from orders.services import (
    LineInput,
    backorders_reserve,
    order_cancel,
    order_create,
    order_submit,
    shipment_confirm,
    shipment_create,
)
from tests.factories import WarehouseFactory

PRODUCTS = 2
WAREHOUSES = 2

quantity = st.integers(min_value=-3, max_value=25)
product = st.integers(min_value=0, max_value=PRODUCTS - 1)
warehouse = st.integers(min_value=0, max_value=WAREHOUSES - 1)
operation = st.one_of(
    st.tuples(st.just("receive"), product, warehouse, quantity),
    st.tuples(st.just("return"), product, warehouse, quantity),
    st.tuples(st.just("adjust"), product, warehouse, quantity),
    st.tuples(st.just("transfer"), product, warehouse, warehouse, quantity),
    st.tuples(st.just("order"), product, warehouse, quantity),
    st.tuples(st.just("ship"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("fill"), product, warehouse),
)


def apply(op, *, context) -> None:
    users, customer, products, warehouses, orders = context
    kind = op[0]
    if kind in ("receive", "return"):
        _, p, w, q = op
        if q <= 0:
            return
        stock_receive(
            product_id=products[p].pk,
            warehouse_id=warehouses[w].pk,
            quantity=q,
            kind=StockMove.Kind.RECEIPT if kind == "receive" else StockMove.Kind.RETURN,
        )
    elif kind == "adjust":
        _, p, w, q = op
        stock_adjust(
            product_id=products[p].pk, warehouse_id=warehouses[w].pk, quantity=q, reason_code="lost"
        )
    elif kind == "transfer":
        _, p, source, target, q = op
        stock_transfer(
            product_id=products[p].pk,
            from_warehouse_id=warehouses[source].pk,
            to_warehouse_id=warehouses[target].pk,
            quantity=q,
        )
    elif kind == "order":
        _, p, w, q = op
        order = order_create(
            actor=users["sales"],
            customer=customer,
            warehouse=warehouses[w],
            lines=[LineInput(product_id=products[p].pk, quantity=q)],
        )
        orders.append(order_submit(order_id=order.pk, actor=users["sales"]))
    elif kind in ("ship", "cancel") and orders:
        order = orders[op[1] % len(orders)]
        if kind == "cancel":
            order_cancel(order_id=order.pk, actor=users["manager"], comment="property")
            return
        for warehouse_ in warehouses:
            rows = shipment_open_lines(order=order, warehouse_id=warehouse_.pk)
            wanted = {row["line"].pk: row["can_ship"] for row in rows if row["can_ship"]}
            if wanted:
                shipment = shipment_create(
                    order_id=order.pk,
                    actor=users["warehouse"],
                    quantities=wanted,
                    warehouse_id=warehouse_.pk,
                )
                shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    elif kind == "fill":
        _, p, w = op
        backorders_reserve(product_id=products[p].pk, warehouse_id=warehouses[w].pk)


def assert_invariants(products, warehouses) -> None:
    for level in StockLevel.objects.filter(product__in=products):
        moved = StockMove.objects.filter(
            product_id=level.product_id, warehouse_id=level.warehouse_id
        ).aggregate(total=Sum("quantity"))["total"]
        reserved = LineReservation.objects.filter(
            product_id=level.product_id, warehouse_id=level.warehouse_id
        ).aggregate(total=Sum("quantity"))["total"]
        backordered = SalesOrderLine.objects.filter(
            product_id=level.product_id, order__warehouse_id=level.warehouse_id
        ).aggregate(total=Sum("quantity_backordered"))["total"]
        assert level.on_hand == (moved or 0)
        assert level.reserved == (reserved or 0)
        assert level.backordered == (backordered or 0)
        assert 0 <= level.reserved <= level.on_hand
        assert level.backordered >= 0
    for line in SalesOrderLine.objects.filter(product__in=products):
        held = sum(r.quantity for r in line.reservations.all())
        assert held + line.quantity_backordered + line.quantity_shipped <= line.quantity


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_ledger_invariants_hold_after_any_sequence(users, customer, products, operations):
    warehouses = [products[0].stock_levels.get().warehouse, WarehouseFactory()]
    context = (users, customer, products[:PRODUCTS], warehouses, [])
    with transaction.atomic():
        for op in operations:
            try:
                apply(op, context=context)
            except DomainError:
                pass  # a refusal is fine; the invariants prove it changed nothing
            assert_invariants(products[:PRODUCTS], warehouses)
        transaction.set_rollback(True)
