"""The largest discount without approval is set per role; the submitter's largest counts."""

from decimal import Decimal

from django.contrib.auth.models import Group

from orders.models import RoleDiscountLimit, SalesOrder
from orders.services import order_submit


def test_a_role_limit_replaces_the_policy_cap(users, products, make_order):
    RoleDiscountLimit.objects.create(
        group=Group.objects.get(name="sales"), max_discount_percent=Decimal("3")
    )
    order = make_order([(products[1], 2)], discount_percent=Decimal("5"))

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == SalesOrder.Status.PENDING_APPROVAL
    assert order.approval_reason == "discount 5.00% is above 3.00%"


def test_a_generous_role_limit_lets_the_discount_through(users, products, make_order):
    RoleDiscountLimit.objects.create(
        group=Group.objects.get(name="sales"), max_discount_percent=Decimal("15")
    )
    order = make_order([(products[1], 2)], discount_percent=Decimal("12"))

    assert order_submit(order_id=order.pk, actor=users["sales"]).status == (
        SalesOrder.Status.APPROVED
    )


def test_without_a_role_limit_the_policy_cap_applies(users, products, make_order):
    order = make_order([(products[1], 2)], discount_percent=Decimal("12"))

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.approval_reason == "discount 12.00% is above 10.00%"
