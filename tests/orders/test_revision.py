"""Changing an approved order (订单变更): a revision with its differences, reservations
follow, and only the levels the change triggers approve again."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from inventory.errors import InsufficientStock
from inventory.models import StockLevel
from orders.errors import CommentRequired
from orders.models import ApprovalRule, ApprovalStep, LineReservation, OrderRevision, SalesOrder
from orders.services import LineInput, order_approve, order_submit
from orders.services.revision import order_revise

Status = SalesOrder.Status


@pytest.fixture
def approved(users, make_order, products):
    """An order of about 72,000 approved at its one level (the default amount rule)."""
    order = order_submit(
        order_id=make_order([(products[0], 100), (products[2], 20)]).pk, actor=users["sales"]
    )
    return order_approve(order_id=order.pk, actor=users["approver"])


def reserved(product, warehouse) -> int:
    return StockLevel.objects.get(product=product, warehouse=warehouse).reserved


def test_a_smaller_order_stays_approved_and_reservations_follow(
    users, approved, products, warehouse
):
    revision = order_revise(
        order_id=approved.pk,
        actor=users["sales"],
        lines=[LineInput(product_id=products[0].pk, quantity=60)],
        reason="customer needs fewer",
    )
    approved.refresh_from_db()
    assert (approved.status, approved.revision, revision.number) == (Status.APPROVED, 1, 1)
    assert (reserved(products[0], warehouse), reserved(products[2], warehouse)) == (60, 0)
    assert list(LineReservation.objects.values_list("quantity", flat=True)) == [60]
    assert {"what": "line 1 quantity", "old": "100", "new": "60"} in revision.changes
    assert {"what": "line 2", "old": f"{products[2].sku} × 20", "new": ""} in revision.changes
    assert revision.reapproval_levels == []


def test_a_bigger_order_approves_the_amount_level_again_only(users, approved, products):
    manager = Group.objects.get(name="manager")
    ApprovalRule.objects.create(
        name="Tier B", position=5, customer_tiers=["B"], approver_group=manager
    )
    # The tier rule was not in the approved chain: it is new, so it asks too.
    revision = order_revise(
        order_id=approved.pk,
        actor=users["sales"],
        lines=[
            LineInput(product_id=products[0].pk, quantity=100),
            LineInput(product_id=products[2].pk, quantity=20, unit_price=Decimal("1200")),
        ],
        reason="price up",
    )
    approved.refresh_from_db()
    assert approved.status == Status.PENDING_APPROVAL
    steps = list(
        ApprovalStep.objects.filter(order=approved)
        .order_by("level")
        .values_list("level", "status", "rule_names")
    )
    assert steps == [
        (1, "approved", "Order amount"),
        (2, "pending", "Tier B"),
        (3, "queued", "Order amount"),
    ]
    assert [level["rules"] for level in revision.reapproval_levels] == ["Tier B", "Order amount"]


def test_an_unchanged_rule_with_no_worse_figure_does_not_ask_again(users, approved, products):
    order_revise(
        order_id=approved.pk,
        actor=users["sales"],
        lines=[
            LineInput(product_id=products[0].pk, quantity=100),
            LineInput(product_id=products[2].pk, quantity=19),
        ],
        reason="one cable less",
    )
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert ApprovalStep.objects.filter(order=approved).count() == 1


def test_a_change_without_stock_or_reason_changes_nothing(users, approved, products, warehouse):
    with pytest.raises(CommentRequired):
        order_revise(order_id=approved.pk, actor=users["sales"], lines=[], reason=" ")
    with pytest.raises(InsufficientStock):
        order_revise(
            order_id=approved.pk,
            actor=users["sales"],
            lines=[LineInput(product_id=products[0].pk, quantity=101)],
            reason="more",
        )
    approved.refresh_from_db()
    assert (approved.status, approved.revision) == (Status.APPROVED, 0)
    assert (reserved(products[0], warehouse), reserved(products[2], warehouse)) == (100, 20)
    assert not OrderRevision.objects.exists()


def test_sales_changes_an_approved_order_in_the_app_and_sees_the_revision(
    client, users, approved, products
):
    client.force_login(users["sales"])
    detail = client.get(f"/orders/{approved.pk}/").content.decode()
    assert 'data-testid="revise"' in detail
    lines = list(approved.lines.order_by("line_no"))
    data = {"version": approved.version, "reason": "fewer bearings"}
    for line in lines:
        data[f"quantity-{line.pk}"] = str(line.quantity - (40 if line.line_no == 1 else 0))
        data[f"price-{line.pk}"] = str(line.unit_price_amount)
        data[f"discount-{line.pk}"] = "0"
    response = client.post(f"/orders/{approved.pk}/change/", data)
    assert response.status_code == 302
    body = client.get(f"/orders/{approved.pk}/").content.decode()
    assert "Revision 1" in body and "fewer bearings" in body
    assert "line 1 quantity" in body and "No approval needed for this change." in body
    refused = client.post(f"/orders/{approved.pk}/change/", {**data, "reason": ""})
    assert refused.status_code == 422
