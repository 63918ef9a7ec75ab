"""Order services: every transition with its side effects, refusals and timeline rows."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from customers.errors import CustomerInactive
from customers.models import Customer
from finance.services import invoice_create, invoice_issue, payment_record
from inventory.models import StockLevel, StockMove
from inventory.services import stock_receive
from orders.errors import (
    CommentRequired,
    OrderChangedConcurrently,
    OrderHasInvoices,
    OrderHasNoLines,
    OrderNotEditable,
    OrderPermissionDenied,
    OrderTransitionNotAllowed,
    ShipmentEmpty,
    ShipmentQuantityTooLarge,
    ShipmentTransitionNotAllowed,
)
from orders.models import (
    ApprovalStep,
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)
from orders.services import (
    LineInput,
    order_approve,
    order_cancel,
    order_close,
    order_create,
    order_hold,
    order_reject,
    order_release_hold,
    order_submit,
    order_update,
    orders_close_completed,
    shipment_cancel,
    shipment_confirm,
    shipment_create,
    shipment_deliver,
)
from tests.conftest import stocked_product
from tests.factories import CustomerFactory, UserFactory, WarehouseFactory

Status = SalesOrder.Status
Action = OrderEvent.Action
CLOSED_AUTOMATICALLY = "Closed automatically: shipped, invoiced and paid in full."


@pytest.fixture
def approved_order(make_order, products, users):
    """10 × product 0 and 4 × product 1: 3,776.46, under the approval amount."""
    order = make_order([(products[0], 10), (products[1], 4)])
    return order_submit(order_id=order.pk, actor=users["sales"])


@pytest.fixture
def pending_order(make_order, products, users):
    """100 × product 0 and 20 × product 2: 58,759.77, over the approval amount."""
    order = make_order([(products[0], 100), (products[2], 20)])
    return order_submit(order_id=order.pk, actor=users["sales"])


def timeline(order) -> list[tuple]:
    return [
        (event.action, event.actor.username if event.actor else None)
        + (event.from_status, event.to_status, event.comment)
        for event in OrderEvent.objects.filter(order_id=order.pk)
        .select_related("actor")
        .order_by("pk")
    ]


def lines_of(order) -> list[SalesOrderLine]:
    return list(SalesOrderLine.objects.filter(order_id=order.pk).order_by("line_no"))


def stock_of(product, warehouse) -> tuple[int, int]:
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    return level.on_hand, level.reserved


def reserved_by_line(order) -> dict[int, int]:
    return dict(
        LineReservation.objects.filter(line__order_id=order.pk)
        .order_by("line__line_no")
        .values_list("line__line_no", "quantity")
    )


def world(order) -> dict:
    """Everything an order service may touch, to prove a refusal changed nothing."""
    return {
        "order": SalesOrder.objects.filter(pk=order.pk).values().get(),
        "lines": list(SalesOrderLine.objects.filter(order_id=order.pk).order_by("pk").values()),
        "reservations": list(LineReservation.objects.order_by("pk").values()),
        "steps": list(ApprovalStep.objects.filter(order_id=order.pk).order_by("pk").values()),
        "events": list(OrderEvent.objects.filter(order_id=order.pk).order_by("pk").values()),
        "shipments": list(Shipment.objects.filter(order_id=order.pk).order_by("pk").values()),
        "shipment_lines": list(ShipmentLine.objects.order_by("pk").values()),
        "stock": list(StockLevel.objects.order_by("pk").values()),
        "moves": list(StockMove.objects.order_by("pk").values()),
        "customers": list(
            Customer.objects.order_by("pk").values("pk", "open_order_amount", "receivable_amount")
        ),
    }


# order_create


def test_create_prices_lines_at_list_price_and_reserves_nothing(
    users, customer, warehouse, products
):
    order = order_create(
        actor=users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[
            LineInput(product_id=products[0].pk, quantity=10),
            LineInput(product_id=products[1].pk, quantity=4),
        ],
        customer_reference="PO-778",
        note="deliver before noon",
    )

    order.refresh_from_db()
    assert order.status == Status.DRAFT
    assert order.number.startswith("SO-")
    assert order.sales_rep == users["sales"]
    assert order.currency == "CNY"
    assert order.customer_reference == "PO-778"
    assert order.version == 1
    assert (order.lines_amount, order.discount_amount, order.tax_amount, order.total_amount) == (
        Decimal("3342.00"),
        Decimal("0.00"),
        Decimal("434.46"),
        Decimal("3776.46"),
    )
    assert [
        (line.line_no, line.product_id, line.quantity, line.unit_price_amount, line.net_amount)
        + (line.tax_amount,)
        for line in lines_of(order)
    ] == [
        (1, products[0].pk, 10, Decimal("320.00"), Decimal("3200.00"), Decimal("416.00")),
        (2, products[1].pk, 4, Decimal("35.50"), Decimal("142.00"), Decimal("18.46")),
    ]
    assert LineReservation.objects.count() == 0
    assert stock_of(products[0], warehouse) == (100, 0)
    assert timeline(order) == [(Action.CREATED, "sales", "", Status.DRAFT, "")]
    assert order.events.get().payload == {"total": "3776.46", "lines": 2}


def test_create_rounds_discount_and_tax_half_up_per_line(users, customer, warehouse, products):
    order = order_create(
        actor=users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[
            LineInput(product_id=products[1].pk, quantity=3, discount_percent=Decimal("7.5")),
            LineInput(product_id=products[0].pk, quantity=2, unit_price=Decimal("299.995")),
        ],
    )

    first, second = lines_of(order)
    assert (first.lines_amount, first.discount_amount, first.net_amount, first.tax_amount) == (
        Decimal("106.50"),
        Decimal("7.99"),
        Decimal("98.51"),
        Decimal("12.81"),
    )
    assert (second.unit_price_amount, second.list_price_amount, second.net_amount) == (
        Decimal("300.00"),
        Decimal("320.00"),
        Decimal("600.00"),
    )
    assert second.tax_amount == Decimal("78.00")
    assert (order.lines_amount, order.discount_amount, order.tax_amount, order.total_amount) == (
        Decimal("706.50"),
        Decimal("7.99"),
        Decimal("90.81"),
        Decimal("789.32"),
    )


def test_create_skips_lines_without_quantity(make_order, products):
    order = make_order([(products[0], 0), (products[1], 2)])

    assert [(line.line_no, line.product_id) for line in lines_of(order)] == [(1, products[1].pk)]


@pytest.mark.parametrize("quantities", [[], [0], [0, 0]])
def test_create_is_refused_without_lines(users, customer, warehouse, products, quantities):
    with pytest.raises(OrderHasNoLines):
        order_create(
            actor=users["sales"],
            customer=customer,
            warehouse=warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=q) for q in quantities],
        )

    assert SalesOrder.objects.count() == 0
    assert OrderEvent.objects.count() == 0


def test_create_is_refused_for_an_inactive_customer(users, warehouse, products):
    inactive = CustomerFactory(is_active=False)

    with pytest.raises(CustomerInactive) as refused:
        order_create(
            actor=users["sales"],
            customer=inactive,
            warehouse=warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=1)],
        )

    assert str(refused.value) == f"Customer {inactive} is inactive and cannot order."
    assert SalesOrder.objects.count() == 0
    assert SalesOrderLine.objects.count() == 0
    assert OrderEvent.objects.count() == 0


# order_update


def test_update_replaces_lines_and_bumps_the_version(users, customer, warehouse, products):
    order = order_create(
        actor=users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=products[0].pk, quantity=10)],
    )

    order = order_update(
        order_id=order.pk,
        actor=users["sales"],
        expected_version=1,
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=products[1].pk, quantity=2)],
        note="changed",
    )

    order.refresh_from_db()
    assert order.version == 2
    assert order.note == "changed"
    assert order.total_amount == Decimal("80.23")
    assert [(line.line_no, line.product_id, line.quantity) for line in lines_of(order)] == [
        (1, products[1].pk, 2)
    ]
    assert timeline(order) == [
        (Action.CREATED, "sales", "", Status.DRAFT, ""),
        (Action.EDITED, "sales", "", "", ""),
    ]
    assert order.events.last().payload == {"old_total": "3616.00", "total": "80.23"}


def test_update_is_refused_when_someone_changed_the_order(users, make_order, customer, products):
    order = make_order([(products[0], 10)])
    order_update(
        order_id=order.pk,
        actor=users["sales"],
        expected_version=1,
        customer=customer,
        warehouse=order.warehouse,
        lines=[LineInput(product_id=products[0].pk, quantity=5)],
    )
    before = world(order)

    with pytest.raises(OrderChangedConcurrently) as refused:
        order_update(
            order_id=order.pk,
            actor=users["sales"],
            expected_version=1,
            customer=customer,
            warehouse=order.warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=7)],
        )

    assert str(refused.value) == (
        f"Order {order.number} was changed by someone else. Reload the page and try again."
    )
    assert refused.value.status == 409
    assert world(order) == before


def test_update_is_refused_once_the_order_is_submitted(users, approved_order, customer, products):
    before = world(approved_order)

    with pytest.raises(OrderNotEditable):
        order_update(
            order_id=approved_order.pk,
            actor=users["sales"],
            expected_version=None,
            customer=customer,
            warehouse=approved_order.warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=1)],
        )

    assert world(approved_order) == before


def test_update_by_another_sales_rep_is_refused(make_order, customer, products):
    order = make_order([(products[0], 10)])
    other = UserFactory(username="sales2", roles=["sales"])
    before = world(order)

    with pytest.raises(OrderPermissionDenied):
        order_update(
            order_id=order.pk,
            actor=other,
            expected_version=1,
            customer=customer,
            warehouse=order.warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=1)],
        )

    assert world(order) == before


def test_update_by_a_manager_is_allowed(users, make_order, customer, products):
    order = make_order([(products[0], 10)])

    order = order_update(
        order_id=order.pk,
        actor=users["manager"],
        expected_version=1,
        customer=customer,
        warehouse=order.warehouse,
        lines=[LineInput(product_id=products[0].pk, quantity=1)],
    )

    assert [line.quantity for line in lines_of(order)] == [1]


def test_update_is_refused_for_an_inactive_customer(users, make_order, products):
    order = make_order([(products[0], 10)])
    inactive = CustomerFactory(is_active=False)
    before = world(order)

    with pytest.raises(CustomerInactive):
        order_update(
            order_id=order.pk,
            actor=users["sales"],
            expected_version=1,
            customer=inactive,
            warehouse=order.warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=10)],
        )

    assert world(order) == before


def test_update_without_lines_is_refused(users, make_order, customer, products):
    order = make_order([(products[0], 10)])
    before = world(order)

    with pytest.raises(OrderHasNoLines):
        order_update(
            order_id=order.pk,
            actor=users["sales"],
            expected_version=1,
            customer=customer,
            warehouse=order.warehouse,
            lines=[LineInput(product_id=products[0].pk, quantity=0)],
        )

    assert world(order) == before


# order_submit


def test_submit_under_every_rule_is_approved_at_once(users, make_order, products, warehouse):
    order = make_order([(products[0], 10), (products[1], 4)])

    order = order_submit(order_id=order.pk, actor=users["sales"], expected_version=1)

    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert order.approved_at == order.submitted_at
    assert order.approval_reason == ""
    assert order.version == 2
    assert reserved_by_line(order) == {1: 10, 2: 4}
    assert stock_of(products[0], warehouse) == (100, 10)
    assert stock_of(products[1], warehouse) == (50, 4)
    assert ApprovalStep.objects.filter(order=order).count() == 0
    order.customer.refresh_from_db()
    assert order.customer.open_order_amount == Decimal("3776.46")
    assert order.customer.receivable_amount == Decimal("0.00")
    assert timeline(order) == [
        (Action.CREATED, "sales", "", Status.DRAFT, ""),
        (Action.SUBMITTED, "sales", Status.DRAFT, Status.APPROVED, ""),
    ]


def test_submit_over_the_approval_amount_waits_for_an_approver(
    users, make_order, products, warehouse
):
    order = make_order([(products[0], 100), (products[2], 20)])

    order = order_submit(order_id=order.pk, actor=users["sales"])

    order.refresh_from_db()
    reason = "total 58759.77 reaches the approval amount 50000.00"
    assert order.status == Status.PENDING_APPROVAL
    assert order.approval_reason == reason
    assert order.approved_at is None
    assert reserved_by_line(order) == {1: 100, 2: 20}
    assert stock_of(products[0], warehouse) == (100, 100)
    assert stock_of(products[2], warehouse) == (20, 20)
    step = ApprovalStep.objects.get(order=order)
    assert (step.level, step.reason, step.approver_group.name, step.status) == (
        1,
        reason,
        "approver",
        ApprovalStep.Status.PENDING,
    )
    order.customer.refresh_from_db()
    assert order.customer.open_order_amount == Decimal("58759.77")
    assert timeline(order)[-1] == (
        Action.SUBMITTED,
        "sales",
        Status.DRAFT,
        Status.PENDING_APPROVAL,
        reason,
    )


def test_submit_with_a_large_discount_waits_for_an_approver(users, make_order, products):
    order = make_order([(products[1], 2)], discount_percent=Decimal("15"))

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == Status.PENDING_APPROVAL
    assert order.approval_reason == "discount 15.00% is above 10.00%"


def test_submit_over_the_credit_limit_waits_for_an_approver(users, make_order, products):
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))
    order = make_order([(products[1], 2)], customer_=tight)

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == Status.PENDING_APPROVAL
    assert order.approval_reason == "credit: exposure 0.00 + order 80.23 > limit 50.00"
    tight.refresh_from_db()
    assert tight.open_order_amount == Decimal("80.23")


def test_submit_counts_existing_exposure_against_the_credit_limit(users, make_order, products):
    limited = CustomerFactory(credit_limit_amount=Decimal("100.00"))
    first = make_order([(products[1], 2)], customer_=limited)
    second = make_order([(products[1], 2)], customer_=limited)

    first = order_submit(order_id=first.pk, actor=users["sales"])
    second = order_submit(order_id=second.pk, actor=users["sales"])

    assert first.status == Status.APPROVED
    assert second.status == Status.PENDING_APPROVAL
    assert second.approval_reason == "credit: exposure 80.23 + order 80.23 > limit 100.00"


def test_submit_names_every_reason_for_approval(users, make_order, products):
    tight = CustomerFactory(credit_limit_amount=Decimal("1000.00"))
    order = make_order(
        [(products[0], 100), (products[2], 20)], customer_=tight, discount_percent=Decimal("12")
    )

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.approval_reason == (
        "total 51708.60 reaches the approval amount 50000.00; "
        "discount 12.00% is above 10.00%; "
        "credit: exposure 0.00 + order 51708.60 > limit 1000.00"
    )


def test_submit_backorders_what_no_warehouse_has_and_reserves_the_rest(
    users, make_order, products, warehouse
):
    order = make_order([(products[0], 100), (products[1], 60), (products[2], 25)])

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == Status.PENDING_APPROVAL
    assert [(line.line_no, line.quantity_backordered) for line in lines_of(order)] == [
        (1, 0),
        (2, 10),
        (3, 5),
    ]
    assert reserved_by_line(order) == {1: 100, 2: 50, 3: 20}
    assert stock_of(products[1], warehouse) == (50, 50)
    level = StockLevel.objects.get(product=products[1], warehouse=warehouse)
    assert level.backordered == 10
    submitted = order.events.get(action=OrderEvent.Action.SUBMITTED)
    assert submitted.payload == {"backordered": {"2": 10, "3": 5}}


def test_submit_adds_up_lines_of_the_same_product_before_backordering(
    users, make_order, products, warehouse
):
    order = make_order([(products[2], 15), (products[2], 10)])

    order_submit(order_id=order.pk, actor=users["sales"])

    assert [line.quantity_backordered for line in lines_of(order)] == [0, 5]
    assert reserved_by_line(order) == {1: 15, 2: 5}
    assert StockLevel.objects.get(product=products[2], warehouse=warehouse).backordered == 5


def test_submit_counts_stock_already_reserved_by_other_orders(users, make_order, products):
    first = make_order([(products[2], 15)])
    order_submit(order_id=first.pk, actor=users["sales"])
    second = make_order([(products[2], 6)])

    order_submit(order_id=second.pk, actor=users["sales"])

    assert reserved_by_line(second) == {1: 5}
    assert [line.quantity_backordered for line in lines_of(second)] == [1]


def test_submit_takes_the_rest_from_another_warehouse_with_stock(
    users, make_order, products, warehouse
):
    north = WarehouseFactory(code="BJ", name="北京仓")
    stock_receive(product_id=products[2].pk, warehouse_id=north.pk, quantity=8)
    order = make_order([(products[2], 26)])

    order_submit(order_id=order.pk, actor=users["sales"])

    reservations = dict(
        LineReservation.objects.filter(line__order=order).values_list("warehouse__code", "quantity")
    )
    assert reservations == {"SH": 20, "BJ": 6}
    assert [line.quantity_backordered for line in lines_of(order)] == [0]
    assert stock_of(products[2], north) == (8, 6)


def test_reject_releases_reservations_and_backorders(users, make_order, products, warehouse):
    order = make_order([(products[2], 30)], unit_price=Decimal("5000.00"))
    order = order_submit(order_id=order.pk, actor=users["sales"])
    assert order.status == Status.PENDING_APPROVAL

    order_reject(order_id=order.pk, actor=users["approver"], comment="too much")

    assert stock_of(products[2], warehouse) == (20, 0)
    assert StockLevel.objects.get(product=products[2], warehouse=warehouse).backordered == 0
    assert [line.quantity_backordered for line in lines_of(order)] == [0]
    assert reserved_by_line(order) == {}


def test_submit_by_an_approver_is_refused(users, make_order, products):
    order = make_order([(products[0], 1)])
    before = world(order)

    with pytest.raises(OrderPermissionDenied) as refused:
        order_submit(order_id=order.pk, actor=users["approver"])

    assert str(refused.value) == f"You are not allowed to submit order {order.number}."
    assert refused.value.status == 403
    assert world(order) == before


def test_submit_twice_is_refused(users, approved_order):
    before = world(approved_order)

    with pytest.raises(OrderTransitionNotAllowed) as refused:
        order_submit(order_id=approved_order.pk, actor=users["sales"])

    assert str(refused.value) == (
        f"Order {approved_order.number} cannot be submitted while it is Approved."
    )
    assert world(approved_order) == before


def test_submit_with_a_stale_version_is_refused(users, make_order, products):
    order = make_order([(products[0], 1)])
    before = world(order)

    with pytest.raises(OrderChangedConcurrently):
        order_submit(order_id=order.pk, actor=users["sales"], expected_version=0)

    assert world(order) == before


def test_submit_of_five_lines_stays_within_the_query_budget(
    users, make_order, warehouse, django_assert_max_num_queries
):
    skus = [stocked_product(warehouse, 50, list_price_amount=Decimal("12000.00")) for _ in range(5)]
    order = make_order([(product, 1) for product in skus])

    with django_assert_max_num_queries(25):
        order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == Status.PENDING_APPROVAL
    assert reserved_by_line(order) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}


# order_approve / order_reject


def test_approve_moves_the_order_to_approved(users, pending_order):
    order = order_approve(order_id=pending_order.pk, actor=users["approver"], comment="ok")

    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert order.approved_at is not None
    step = ApprovalStep.objects.get(order=order)
    assert (step.status, step.decided_by, step.comment) == (
        ApprovalStep.Status.APPROVED,
        users["approver"],
        "ok",
    )
    assert step.decided_at is not None
    assert timeline(order)[-1] == (
        Action.APPROVED,
        "approver",
        Status.PENDING_APPROVAL,
        Status.APPROVED,
        "ok",
    )
    assert order.events.last().payload == {
        "level": 1,
        "on_behalf_of": "",
        "automatic": False,
        "rules": "Order amount",
    }
    assert reserved_by_line(order) == {1: 100, 2: 20}


def test_approve_by_a_manager_is_allowed(users, pending_order):
    order = order_approve(order_id=pending_order.pk, actor=users["manager"])

    assert order.status == Status.APPROVED


@pytest.mark.parametrize("role", ["sales", "warehouse", "finance", "purchasing"])
def test_approve_by_a_role_without_approval_rights_is_refused(users, pending_order, role):
    before = world(pending_order)

    with pytest.raises(OrderPermissionDenied) as refused:
        order_approve(order_id=pending_order.pk, actor=users[role], comment="ok")

    assert str(refused.value) == f"You are not allowed to approve order {pending_order.number}."
    assert world(pending_order) == before


def test_approve_by_someone_outside_the_steps_group_is_refused(pending_order):
    other_level = Group.objects.create(name="regional approver")
    other_level.permissions.add(Permission.objects.get(codename="approve_salesorder"))
    outsider = UserFactory(username="regional", roles=["regional approver"])
    before = world(pending_order)

    with pytest.raises(OrderPermissionDenied):
        order_approve(order_id=pending_order.pk, actor=outsider)

    assert world(pending_order) == before


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_deciding_an_order_that_is_not_pending_is_refused_with_a_message(
    users, approved_order, action
):
    before = world(approved_order)
    service = {"approve": order_approve, "reject": order_reject}[action]

    with pytest.raises(OrderTransitionNotAllowed) as refused:
        service(order_id=approved_order.pk, actor=users["approver"], comment="again")

    verb = {"approve": "approved", "reject": "rejected"}[action]
    assert str(refused.value) == (
        f"Order {approved_order.number} cannot be {verb} while it is Approved."
    )
    assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)
    assert world(approved_order) == before


def test_transition_refusal_is_worded_in_the_users_language(users, approved_order):
    before = world(approved_order)

    with translation.override("zh-hans"):
        with pytest.raises(OrderTransitionNotAllowed) as refused:
            order_approve(order_id=approved_order.pk, actor=users["approver"])
        message = str(refused.value)

    assert message == f"订单 {approved_order.number} 当前状态为“已审批”，无法批准。"
    assert world(approved_order) == before


def test_approve_with_a_stale_version_is_refused(users, pending_order):
    before = world(pending_order)

    with pytest.raises(OrderChangedConcurrently):
        order_approve(
            order_id=pending_order.pk,
            actor=users["approver"],
            expected_version=pending_order.version - 1,
        )

    assert world(pending_order) == before


@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_needs_a_comment(users, pending_order, comment):
    before = world(pending_order)

    with pytest.raises(CommentRequired) as refused:
        order_reject(order_id=pending_order.pk, actor=users["approver"], comment=comment)

    assert str(refused.value) == "Please give a reason."
    assert world(pending_order) == before


def test_reject_returns_the_order_to_draft_and_releases_stock_and_exposure(
    users, pending_order, products, warehouse
):
    order = order_reject(
        order_id=pending_order.pk, actor=users["approver"], comment="price too low"
    )

    order.refresh_from_db()
    assert order.status == Status.DRAFT
    assert order.reject_reason == "price too low"
    assert order.submitted_at is None
    assert LineReservation.objects.count() == 0
    assert stock_of(products[0], warehouse) == (100, 0)
    assert stock_of(products[2], warehouse) == (20, 0)
    order.customer.refresh_from_db()
    assert order.customer.open_order_amount == Decimal("0.00")
    step = ApprovalStep.objects.get(order=order)
    assert (step.status, step.decided_by, step.comment) == (
        ApprovalStep.Status.REJECTED,
        users["approver"],
        "price too low",
    )
    assert timeline(order) == [
        (Action.CREATED, "sales", "", Status.DRAFT, ""),
        (
            Action.SUBMITTED,
            "sales",
            Status.DRAFT,
            Status.PENDING_APPROVAL,
            "total 58759.77 reaches the approval amount 50000.00",
        ),
        (Action.REJECTED, "approver", Status.PENDING_APPROVAL, Status.DRAFT, "price too low"),
    ]


def test_reject_by_sales_is_refused(users, pending_order):
    before = world(pending_order)

    with pytest.raises(OrderPermissionDenied):
        order_reject(order_id=pending_order.pk, actor=users["sales"], comment="no")

    assert world(pending_order) == before


def test_rejected_order_can_be_edited_and_submitted_again(
    users, pending_order, customer, products, warehouse
):
    order_reject(order_id=pending_order.pk, actor=users["approver"], comment="too big")
    order = order_update(
        order_id=pending_order.pk,
        actor=users["sales"],
        expected_version=None,
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=products[0].pk, quantity=10)],
    )

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == Status.APPROVED
    assert order.reject_reason == ""
    assert reserved_by_line(order) == {1: 10}
    assert stock_of(products[0], warehouse) == (100, 10)
    assert stock_of(products[2], warehouse) == (20, 0)
    assert list(ApprovalStep.objects.filter(order=order).values_list("status", flat=True)) == [
        ApprovalStep.Status.REJECTED
    ]


# order_cancel


def test_cancel_a_draft_touches_no_stock(users, make_order, products, warehouse):
    order = make_order([(products[0], 10)])

    order = order_cancel(order_id=order.pk, actor=users["sales"], comment="duplicate")

    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert order.cancel_reason == "duplicate"
    assert order.cancelled_at is not None
    assert stock_of(products[0], warehouse) == (100, 0)
    order.customer.refresh_from_db()
    assert order.customer.open_order_amount == Decimal("0.00")
    assert timeline(order)[-1] == (
        Action.CANCELLED,
        "sales",
        Status.DRAFT,
        Status.CANCELLED,
        "duplicate",
    )


def test_cancel_an_approved_order_releases_stock_exposure_and_pick_lists(
    users, approved_order, products, warehouse
):
    line = lines_of(approved_order)[0]
    pick_list = shipment_create(
        order_id=approved_order.pk, actor=users["warehouse"], quantities={line.pk: 5}
    )

    order = order_cancel(order_id=approved_order.pk, actor=users["manager"], comment="lost deal")

    assert order.status == Status.CANCELLED
    assert LineReservation.objects.count() == 0
    assert stock_of(products[0], warehouse) == (100, 0)
    assert stock_of(products[1], warehouse) == (50, 0)
    order.customer.refresh_from_db()
    assert order.customer.open_order_amount == Decimal("0.00")
    pick_list.refresh_from_db()
    assert pick_list.status == Shipment.Status.CANCELLED
    assert timeline(order)[-1] == (
        Action.CANCELLED,
        "manager",
        Status.APPROVED,
        Status.CANCELLED,
        "lost deal",
    )


def test_cancel_a_pending_order_withdraws_its_approval_step(users, pending_order, warehouse):
    order = order_cancel(order_id=pending_order.pk, actor=users["sales"], comment="no longer")

    assert order.status == Status.CANCELLED
    assert list(ApprovalStep.objects.filter(order=order).values_list("status", flat=True)) == [
        ApprovalStep.Status.WITHDRAWN
    ]
    assert list(StockLevel.objects.values_list("reserved", flat=True)) == [0, 0, 0]


def test_cancel_of_an_invoiced_order_is_refused(users, approved_order):
    invoice = invoice_create(order_id=approved_order.pk, actor=users["finance"], basis="ordered")
    invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    before = world(approved_order)

    with pytest.raises(OrderHasInvoices) as refused:
        order_cancel(order_id=approved_order.pk, actor=users["manager"], comment="lost deal")

    assert str(refused.value) == (
        f"Order {approved_order.number} has issued invoices and cannot be cancelled; "
        "finance must credit them first."
    )
    assert world(approved_order) == before


def test_cancel_after_a_shipment_is_refused(users, approved_order):
    line = lines_of(approved_order)[0]
    shipment = shipment_create(
        order_id=approved_order.pk, actor=users["warehouse"], quantities={line.pk: 5}
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    before = world(approved_order)

    with pytest.raises(OrderTransitionNotAllowed) as refused:
        order_cancel(order_id=approved_order.pk, actor=users["manager"], comment="too late")

    assert str(refused.value) == (
        f"Order {approved_order.number} cannot be cancelled while it is Partially shipped."
    )
    assert world(approved_order) == before


def test_cancel_needs_a_comment(users, approved_order):
    before = world(approved_order)

    with pytest.raises(CommentRequired):
        order_cancel(order_id=approved_order.pk, actor=users["sales"], comment=" ")

    assert world(approved_order) == before


def test_cancel_by_the_warehouse_is_refused(users, approved_order):
    before = world(approved_order)

    with pytest.raises(OrderPermissionDenied):
        order_cancel(order_id=approved_order.pk, actor=users["warehouse"], comment="no")

    assert world(approved_order) == before


# order_hold / order_release_hold


@pytest.mark.parametrize("held_from", [Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED])
def test_hold_and_release_return_the_order_where_it_was(
    users, make_order, products, warehouse, held_from
):
    order = make_order([(products[0], 100), (products[2], 20)])
    if held_from != Status.DRAFT:
        order = order_submit(order_id=order.pk, actor=users["sales"])
    if held_from == Status.APPROVED:
        order = order_approve(order_id=order.pk, actor=users["approver"])
    reserved = reserved_by_line(order)

    held = order_hold(order_id=order.pk, actor=users["manager"], comment="credit check")

    assert held.status == Status.ON_HOLD
    assert held.held_from_status == held_from
    assert reserved_by_line(order) == reserved

    released = order_release_hold(order_id=order.pk, actor=users["manager"], comment="paid")

    released.refresh_from_db()
    assert released.status == held_from
    assert released.held_from_status == ""
    assert reserved_by_line(order) == reserved
    assert timeline(order)[-2:] == [
        (Action.HELD, "manager", held_from, Status.ON_HOLD, "credit check"),
        (Action.RELEASED, "manager", Status.ON_HOLD, held_from, "paid"),
    ]


def test_hold_by_sales_is_refused(users, approved_order):
    before = world(approved_order)

    with pytest.raises(OrderPermissionDenied):
        order_hold(order_id=approved_order.pk, actor=users["sales"], comment="wait")

    assert world(approved_order) == before


def test_hold_needs_a_comment(users, approved_order):
    before = world(approved_order)

    with pytest.raises(CommentRequired):
        order_hold(order_id=approved_order.pk, actor=users["manager"], comment="")

    assert world(approved_order) == before


def test_release_of_an_order_not_on_hold_is_refused(users, approved_order):
    before = world(approved_order)

    with pytest.raises(OrderTransitionNotAllowed):
        order_release_hold(order_id=approved_order.pk, actor=users["manager"])

    assert world(approved_order) == before


def test_held_order_cannot_be_shipped_or_approved(users, pending_order):
    order_hold(order_id=pending_order.pk, actor=users["manager"], comment="credit")
    before = world(pending_order)

    with pytest.raises(OrderTransitionNotAllowed):
        order_approve(order_id=pending_order.pk, actor=users["approver"])
    with pytest.raises(OrderTransitionNotAllowed):
        shipment_create(
            order_id=pending_order.pk,
            actor=users["warehouse"],
            quantities={lines_of(pending_order)[0].pk: 1},
        )

    assert world(pending_order) == before


# shipment_create


def test_shipment_create_makes_a_pick_list_and_moves_no_stock(users, approved_order, warehouse):
    first, second = lines_of(approved_order)

    shipment = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={first.pk: 6, second.pk: 0},
    )

    assert shipment.status == Shipment.Status.DRAFT
    assert shipment.number.startswith("SH-")
    assert shipment.created_by == users["warehouse"]
    assert list(shipment.lines.values_list("order_line_id", "quantity")) == [(first.pk, 6)]
    assert StockMove.objects.filter(quantity__lt=0).count() == 0
    assert reserved_by_line(approved_order) == {1: 10, 2: 4}
    approved_order.refresh_from_db()
    assert approved_order.status == Status.APPROVED
    assert approved_order.version == 3
    assert timeline(approved_order)[-1] == (
        Action.SHIPMENT_CREATED,
        "warehouse",
        "",
        "",
        shipment.number,
    )


def test_shipment_create_larger_than_open_is_refused(users, approved_order):
    first, _ = lines_of(approved_order)
    before = world(approved_order)

    with pytest.raises(ShipmentQuantityTooLarge) as refused:
        shipment_create(
            order_id=approved_order.pk, actor=users["warehouse"], quantities={first.pk: 11}
        )

    assert refused.value.params == {"line": 1, "wanted": 11, "open": 10}
    assert str(refused.value) == "Line 1: 11 to ship but only 10 still open."
    assert world(approved_order) == before


def test_shipment_create_counts_quantities_on_other_pick_lists(users, approved_order):
    first, _ = lines_of(approved_order)
    shipment_create(order_id=approved_order.pk, actor=users["warehouse"], quantities={first.pk: 6})
    before = world(approved_order)

    with pytest.raises(ShipmentQuantityTooLarge) as refused:
        shipment_create(
            order_id=approved_order.pk, actor=users["warehouse"], quantities={first.pk: 5}
        )

    assert refused.value.params == {"line": 1, "wanted": 5, "open": 4}
    assert world(approved_order) == before


def test_shipment_create_without_quantities_is_refused(users, approved_order):
    first, second = lines_of(approved_order)
    before = world(approved_order)

    with pytest.raises(ShipmentEmpty):
        shipment_create(
            order_id=approved_order.pk,
            actor=users["warehouse"],
            quantities={first.pk: 0, second.pk: 0},
        )

    assert world(approved_order) == before


def test_shipment_create_for_an_order_awaiting_approval_is_refused(users, pending_order):
    before = world(pending_order)

    with pytest.raises(OrderTransitionNotAllowed):
        shipment_create(
            order_id=pending_order.pk,
            actor=users["warehouse"],
            quantities={lines_of(pending_order)[0].pk: 1},
        )

    assert world(pending_order) == before


def test_shipment_create_by_sales_is_refused(users, approved_order):
    before = world(approved_order)

    with pytest.raises(OrderPermissionDenied):
        shipment_create(
            order_id=approved_order.pk,
            actor=users["sales"],
            quantities={lines_of(approved_order)[0].pk: 1},
        )

    assert world(approved_order) == before


# shipment_confirm / shipment_cancel / shipment_deliver


def test_shipment_confirm_partially_then_the_rest(
    users, approved_order, products, warehouse, carrier
):
    first, second = lines_of(approved_order)
    partial = shipment_create(
        order_id=approved_order.pk, actor=users["warehouse"], quantities={first.pk: 6}
    )

    partial = shipment_confirm(
        shipment_id=partial.pk,
        actor=users["warehouse"],
        carrier_id=carrier.pk,
        tracking_number="SF1001",
    )

    assert partial.status == Shipment.Status.CONFIRMED
    assert (partial.carrier_id, partial.tracking_number, partial.confirmed_by) == (
        carrier.pk,
        "SF1001",
        users["warehouse"],
    )
    approved_order.refresh_from_db()
    assert approved_order.status == Status.PARTIALLY_SHIPPED
    assert approved_order.shipped_at is None
    assert [line.quantity_shipped for line in lines_of(approved_order)] == [6, 0]
    assert reserved_by_line(approved_order) == {1: 4, 2: 4}
    assert stock_of(products[0], warehouse) == (94, 4)
    assert list(
        StockMove.objects.filter(reference=partial.number).values_list(
            "product_id", "warehouse_id", "kind", "quantity", "actor__username"
        )
    ) == [(products[0].pk, warehouse.pk, StockMove.Kind.SHIPMENT, -6, "warehouse")]
    assert timeline(approved_order)[-1] == (
        Action.SHIPPED,
        "warehouse",
        Status.APPROVED,
        Status.PARTIALLY_SHIPPED,
        partial.number,
    )
    assert approved_order.events.last().payload == {
        "shipment": partial.number,
        "tracking_number": "SF1001",
        "lines": {"1": 6},
    }

    rest = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={first.pk: 4, second.pk: 4},
    )
    shipment_confirm(shipment_id=rest.pk, actor=users["warehouse"])

    approved_order.refresh_from_db()
    assert approved_order.status == Status.SHIPPED
    assert approved_order.shipped_at is not None
    assert [line.quantity_shipped for line in lines_of(approved_order)] == [10, 4]
    assert reserved_by_line(approved_order) == {1: 0, 2: 0}
    assert stock_of(products[0], warehouse) == (90, 0)
    assert stock_of(products[1], warehouse) == (46, 0)
    assert sorted(
        StockMove.objects.filter(reference=rest.number).values_list("product_id", "quantity")
    ) == [(products[0].pk, -4), (products[1].pk, -4)]
    assert timeline(approved_order)[-1] == (
        Action.SHIPPED,
        "warehouse",
        Status.PARTIALLY_SHIPPED,
        Status.SHIPPED,
        rest.number,
    )


def test_shipment_confirm_twice_is_refused(users, approved_order):
    shipment = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={lines_of(approved_order)[0].pk: 2},
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    before = world(approved_order)

    with pytest.raises(ShipmentTransitionNotAllowed) as refused:
        shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])

    assert str(refused.value) == (
        f"Shipment {shipment.number} cannot be shipped while it is Shipped."
    )
    assert world(approved_order) == before


def test_shipment_confirm_by_sales_is_refused(users, approved_order):
    shipment = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={lines_of(approved_order)[0].pk: 2},
    )
    before = world(approved_order)

    with pytest.raises(OrderPermissionDenied):
        shipment_confirm(shipment_id=shipment.pk, actor=users["sales"])

    assert world(approved_order) == before


def test_shipment_confirm_of_a_held_order_is_refused(users, approved_order):
    shipment = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={lines_of(approved_order)[0].pk: 2},
    )
    order_hold(order_id=approved_order.pk, actor=users["manager"], comment="credit")
    before = world(approved_order)

    with pytest.raises(OrderTransitionNotAllowed):
        shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])

    assert world(approved_order) == before


def test_shipment_cancel_opens_its_quantities_again(users, approved_order):
    first, _ = lines_of(approved_order)
    shipment = shipment_create(
        order_id=approved_order.pk, actor=users["warehouse"], quantities={first.pk: 10}
    )

    shipment = shipment_cancel(shipment_id=shipment.pk, actor=users["warehouse"])

    assert shipment.status == Shipment.Status.CANCELLED
    assert timeline(approved_order)[-1] == (
        Action.SHIPMENT_CANCELLED,
        "warehouse",
        "",
        "",
        shipment.number,
    )
    again = shipment_create(
        order_id=approved_order.pk, actor=users["warehouse"], quantities={first.pk: 10}
    )
    assert list(again.lines.values_list("quantity", flat=True)) == [10]
    assert reserved_by_line(approved_order) == {1: 10, 2: 4}


def test_shipment_cancel_after_confirm_is_refused(users, approved_order):
    shipment = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={lines_of(approved_order)[0].pk: 2},
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    before = world(approved_order)

    with pytest.raises(ShipmentTransitionNotAllowed):
        shipment_cancel(shipment_id=shipment.pk, actor=users["warehouse"])

    assert world(approved_order) == before


def test_shipment_deliver_marks_a_confirmed_shipment_delivered(users, approved_order):
    shipment = shipment_create(
        order_id=approved_order.pk,
        actor=users["warehouse"],
        quantities={lines_of(approved_order)[0].pk: 2},
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])

    shipment = shipment_deliver(shipment_id=shipment.pk, actor=users["warehouse"])

    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at is not None
    assert timeline(approved_order)[-1] == (
        Action.DELIVERED,
        "warehouse",
        "",
        "",
        shipment.number,
    )


# Closing


def ship_everything(order, actor) -> None:
    shipment = shipment_create(
        order_id=order.pk,
        actor=actor,
        quantities={line.pk: line.quantity_open for line in lines_of(order)},
    )
    shipment_confirm(shipment_id=shipment.pk, actor=actor)


def test_orders_close_completed_closes_prepaid_shipped_orders_once(users, approved_order):
    invoice = invoice_create(order_id=approved_order.pk, actor=users["finance"], basis="ordered")
    invoice = invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    payment_record(
        customer=approved_order.customer,
        amount=invoice.total_amount,
        actor=users["finance"],
        allocate_to=invoice,
    )
    ship_everything(approved_order, users["warehouse"])
    approved_order.refresh_from_db()
    assert approved_order.status == Status.SHIPPED

    assert orders_close_completed() == 1
    assert orders_close_completed() == 0

    approved_order.refresh_from_db()
    assert approved_order.status == Status.CLOSED
    assert approved_order.closed_at is not None
    assert [event for event in timeline(approved_order) if event[0] == Action.CLOSED] == [
        (Action.CLOSED, None, Status.SHIPPED, Status.CLOSED, CLOSED_AUTOMATICALLY)
    ]


def test_orders_close_completed_leaves_unpaid_orders_open(users, approved_order):
    ship_everything(approved_order, users["warehouse"])
    invoice = invoice_create(order_id=approved_order.pk, actor=users["finance"])
    invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    before = world(approved_order)

    assert orders_close_completed() == 0
    assert order_close(order_id=approved_order.pk) is False

    assert world(approved_order) == before


def test_full_timeline_records_who_moved_the_order_from_where_to_where(users, pending_order):
    order_approve(order_id=pending_order.pk, actor=users["approver"], comment="fine")
    shipment = shipment_create(
        order_id=pending_order.pk,
        actor=users["warehouse"],
        quantities={line.pk: line.quantity for line in lines_of(pending_order)},
    )
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])
    invoice = invoice_create(order_id=pending_order.pk, actor=users["finance"])
    invoice = invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    payment = payment_record(
        customer=pending_order.customer,
        amount=invoice.total_amount,
        actor=users["finance"],
        allocate_to=invoice,
    )

    assert timeline(pending_order) == [
        (Action.CREATED, "sales", "", Status.DRAFT, ""),
        (
            Action.SUBMITTED,
            "sales",
            Status.DRAFT,
            Status.PENDING_APPROVAL,
            "total 58759.77 reaches the approval amount 50000.00",
        ),
        (Action.APPROVED, "approver", Status.PENDING_APPROVAL, Status.APPROVED, "fine"),
        (Action.SHIPMENT_CREATED, "warehouse", "", "", shipment.number),
        (Action.SHIPPED, "warehouse", Status.APPROVED, Status.SHIPPED, shipment.number),
        (Action.INVOICED, "finance", "", "", invoice.number),
        (Action.PAID, "finance", "", "", f"{payment.number} → {invoice.number}"),
        (Action.CLOSED, None, Status.SHIPPED, Status.CLOSED, CLOSED_AUTOMATICALLY),
    ]
