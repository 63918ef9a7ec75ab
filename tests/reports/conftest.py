"""A small sales history whose figures are worked out by hand in the tests.

today: order A (customer 1: 10 × P1 at 100 + 4 × P2 at 50 = 1,200 net, cost 680),
       order B (customer 2: 10 × P2 = 500 net, cost 200);
same day last year: order C (customer 1: 5 × P1 = 500 net, cost 300);
a draft D and a cancelled E that never count. VAT 13 %.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from orders.models import SalesOrder
from orders.services import order_cancel, order_submit
from reports.selectors.dashboard import same_day_last_year
from reports.services import sales_summary_refresh
from tests.conftest import stocked_product
from tests.factories import CategoryFactory, CustomerFactory


@dataclass
class History:
    today: object
    p1: object
    p2: object
    p3: object
    cat1: object
    cat2: object
    customer1: object
    customer2: object
    a: SalesOrder
    b: SalesOrder
    c: SalesOrder
    d: SalesOrder
    e: SalesOrder


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def _submitted(make_order, users, lines, **kwargs):
    order = make_order(lines, **kwargs)
    return order_submit(order_id=order.pk, actor=users["sales"])


@pytest.fixture
def history(users, customer, warehouse, make_order):
    today = timezone.localdate()
    cat1, cat2 = (
        CategoryFactory(code="BRG", name="轴承"),
        CategoryFactory(code="SEAL", name="密封件"),
    )
    p1 = stocked_product(
        warehouse,
        100,
        category=cat1,
        list_price_amount=Decimal("100.00"),
        cost_amount=Decimal("60.00"),
    )
    p2 = stocked_product(
        warehouse,
        100,
        category=cat2,
        list_price_amount=Decimal("50.00"),
        cost_amount=Decimal("20.00"),
    )
    p3 = stocked_product(
        warehouse,
        20,
        category=cat1,
        list_price_amount=Decimal("90.00"),
        cost_amount=Decimal("60.00"),
    )
    customer2 = CustomerFactory(
        code="C2", name="华南客户", sales_rep=users["sales"], credit_limit_amount=Decimal("600.00")
    )
    a = _submitted(make_order, users, [(p1, 10), (p2, 4)])
    b = _submitted(make_order, users, [(p2, 10)], customer_=customer2)
    c = _submitted(make_order, users, [(p1, 5)])
    SalesOrder.objects.filter(pk=c.pk).update(order_date=same_day_last_year(today))
    d = make_order([(p1, 1)])
    e = _submitted(make_order, users, [(p1, 2)])
    e = order_cancel(order_id=e.pk, actor=users["sales"], comment="客户取消")
    for order in (a, b, c, d, e):
        order.refresh_from_db()
    sales_summary_refresh()
    return History(today, p1, p2, p3, cat1, cat2, customer, customer2, a, b, c, d, e)
