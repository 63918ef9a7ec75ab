"""Real threads on PostgreSQL: two submits that each fit the credit limit alone but not
together are judged one after the other (the customer row lock), so only one passes."""

from decimal import Decimal

import pytest

from customers.models import CreditPolicy
from orders.models import SalesOrder
from tests.conftest import stocked_product
from tests.factories import CustomerFactory
from tests.orders.test_concurrency import run_together, submit_call

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migrated_data")]

Status = SalesOrder.Status


@pytest.mark.parametrize(
    ("strength", "tripped_status"),
    [
        (CreditPolicy.Strength.BLOCK, Status.ON_HOLD),
        (CreditPolicy.Strength.WARN, Status.PENDING_APPROVAL),
    ],
)
def test_two_concurrent_submits_that_fit_only_alone_leave_exactly_one_unchecked(
    users, make_order, warehouse, strength, tripped_status
):
    CreditPolicy.objects.update(submit_check=strength)
    # Two products, so that no stock row serialises the submits: only the customer lock.
    products = [stocked_product(warehouse, 10, list_price_amount=Decimal("100.00")) for _ in "ab"]
    # Each order is 113.00 with tax; the limit takes one of them, not both.
    customer = CustomerFactory(credit_limit_amount=Decimal("200.00"))
    orders = [make_order([(product, 1)], customer_=customer) for product in products]

    outcomes = run_together([submit_call(order.pk, users["sales"].pk) for order in orders])

    assert all(isinstance(outcome, SalesOrder) for outcome in outcomes), outcomes
    assert sorted(outcome.status for outcome in outcomes) == sorted(
        [Status.APPROVED, tripped_status]
    )
    customer.refresh_from_db()
    assert customer.open_order_amount == Decimal("226.00")
