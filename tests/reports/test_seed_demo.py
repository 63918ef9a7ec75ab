"""The demo seed: users in their roles, orders in every state, nothing twice, stock that adds up."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.utils import timezone

from customers.models import Customer
from finance.models import Invoice, Payment, PaymentAllocation
from inventory.models import Carrier, Product, StockLevel, StockMove, Warehouse
from opms.accounts.models import Team, User
from orders.models import (
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    SalesReturn,
    Shipment,
)
from purchasing.models import PurchaseOrder, Supplier

pytestmark = pytest.mark.django_db

ORDERS = 40
COUNTED = [
    User,
    Team,
    Customer,
    Product,
    Warehouse,
    Carrier,
    Supplier,
    StockMove,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    OrderEvent,
    Invoice,
    Payment,
    PaymentAllocation,
]


def seed(orders: int = ORDERS) -> str:
    out = io.StringIO()
    call_command("seed_demo", orders=orders, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def test_seed_demo_creates_the_demo_users_in_their_role_groups():
    seed(orders=0)

    for role in ["sales", "approver", "warehouse", "purchasing", "finance", "manager"]:
        user = User.objects.get(username=role)
        assert set(user.groups.values_list("name", flat=True)) == {role}
        assert user.first_name and user.last_name
        assert not user.is_superuser
    assert User.objects.get(username="sales").check_password("opms-demo")
    sales2 = User.objects.get(username="sales2")
    assert set(sales2.groups.values_list("name", flat=True)) == {"sales"}
    admin = User.objects.get(username="admin")
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert set(admin.groups.values_list("name", flat=True)) == {"admin"}
    assert admin.check_password("opms-demo")
    manager = User.objects.get(username="manager")
    sales = User.objects.get(username="sales")
    assert sales.team.name == "华东销售一部"
    assert sales.team.leader == manager
    assert sales2.team.name == "华南销售部"


def test_seed_demo_puts_orders_in_every_state():
    seed()

    # The integrations demo's API and imported orders (with a channel) come on top.
    stories = SalesOrder.objects.filter(channel__isnull=True)
    counts = dict(stories.values_list("status").annotate(n=Count("pk")).order_by())
    assert set(counts) == set(SalesOrder.Status.values)
    # Plus one order that shows a backorder waiting for a purchase order.
    assert sum(counts.values()) == ORDERS + 1
    assert SalesOrder.objects.filter(channel__code="tmall").count() == 3
    assert SalesOrder.objects.filter(lines__quantity_backordered__gt=0).exists()
    purchase_statuses = set(PurchaseOrder.objects.values_list("status", flat=True))
    assert {PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTIALLY_RECEIVED} <= purchase_statuses
    assert set(SalesReturn.objects.values_list("status", flat=True)) == {
        SalesReturn.Status.RECEIVED,
        SalesReturn.Status.REQUESTED,
    }


def test_seed_demo_a_second_time_changes_nothing():
    seed()
    before = row_counts()

    output = seed()

    assert "demo data already present" in output
    assert row_counts() == before


def test_seed_demo_completes_a_partly_seeded_database():
    seed(orders=5)
    master = row_counts()

    output = seed(orders=12)

    assert "demo data already present" not in output
    stories = SalesOrder.objects.filter(channel__isnull=True)
    assert stories.exclude(customer_reference="").count() == 12
    assert stories.values("customer_reference").distinct().count() == 13
    for label in ["accounts.User", "customers.Customer", "inventory.Product", "inventory.Carrier"]:
        assert row_counts()[label] == master[label]


def test_seed_demo_leaves_stock_that_matches_its_ledger_and_can_be_ordered():
    seed()

    ledger = {
        (row["product_id"], row["warehouse_id"]): row["total"]
        for row in StockMove.objects.values("product_id", "warehouse_id").annotate(
            total=Sum("quantity")
        )
    }
    held = {
        (row["product_id"], row["warehouse_id"]): row["total"]
        for row in LineReservation.objects.values("product_id", "warehouse_id").annotate(
            total=Sum("quantity")
        )
    }
    levels = list(StockLevel.objects.all())
    assert len(levels) == Product.objects.count() * Warehouse.objects.count()
    for level in levels:
        key = (level.product_id, level.warehouse_id)
        assert level.on_hand == ledger[key]
        assert level.reserved == held.get(key, 0)
    shanghai = StockLevel.objects.filter(warehouse__code="SH")
    # Everything can be ordered, except the product the demo backorder waits for.
    assert not shanghai.filter(on_hand__lte=F("reserved"), backordered=0).exists()
    assert shanghai.filter(backordered__gt=0).count() == 1
    assert shanghai.filter(on_hand__lt=F("product__reorder_point")).exists()


def test_seed_demo_spreads_orders_over_a_year_with_their_events_in_order():
    seed()

    now = timezone.now()
    dates = SalesOrder.objects.order_by("created_at").values_list("created_at", flat=True)
    assert dates[0] < now - timedelta(days=200)
    assert dates.last() > now - timedelta(days=30)
    assert dates.last() < now
    for order in SalesOrder.objects.all():
        times = list(order.events.order_by("pk").values_list("created_at", flat=True))
        assert times == sorted(times)
        assert timedelta(0) <= times[0] - order.created_at < timedelta(seconds=5)
        assert order.order_date == timezone.localdate(order.created_at)
