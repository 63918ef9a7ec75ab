"""State tables of SalesOrder and Shipment, and the order's derived invoice/payment statuses."""

from decimal import Decimal

import pytest
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from orders.models import SalesOrder, Shipment

Status = SalesOrder.Status

# Every legal (transition -> source states) pair of the order lifecycle; anything else is illegal.
ORDER_SOURCES = {
    "submit": {Status.DRAFT},
    "approve": {Status.PENDING_APPROVAL},
    "reject": {Status.PENDING_APPROVAL},
    "ship": {Status.APPROVED, Status.PARTIALLY_SHIPPED},
    "close": {Status.SHIPPED},
    "cancel": {Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED},
    "hold": {Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED},
    "release_hold": {Status.ON_HOLD},
}

SHIPMENT_SOURCES = {
    "confirm": {Shipment.Status.DRAFT},
    "deliver": {Shipment.Status.CONFIRMED},
    "cancel": {Shipment.Status.DRAFT},
}


def settled_order(status: str, **fields) -> SalesOrder:
    """An unsaved order in `status` whose transition conditions (lines, settled) hold."""
    values = {
        "status": status,
        "total_amount": Decimal("113.00"),
        "invoiced_amount": Decimal("113.00"),
        "paid_amount": Decimal("113.00"),
        "held_from_status": Status.APPROVED if status == Status.ON_HOLD else "",
    }
    values.update(fields)
    return SalesOrder(**values)


@pytest.mark.parametrize("transition_name", sorted(ORDER_SOURCES))
@pytest.mark.parametrize("status", list(Status))
def test_order_transition_table(status, transition_name):
    order = settled_order(status)

    assert can_proceed(getattr(order, transition_name)) is (
        status in ORDER_SOURCES[transition_name]
    )


@pytest.mark.parametrize("status", [s for s in Status if s != Status.DRAFT])
def test_submit_outside_draft_raises_and_keeps_the_status(status):
    order = settled_order(status)

    with pytest.raises(TransitionNotAllowed):
        order.submit(needs_approval=False)

    assert order.status == status
    assert order.submitted_at is None


def test_submit_without_lines_is_not_possible():
    order = settled_order(Status.DRAFT, total_amount=Decimal("0.00"))

    assert can_proceed(order.submit) is False
    assert can_proceed(order.submit, check_conditions=False) is True


def test_submit_needing_approval_goes_to_pending_approval():
    order = settled_order(Status.DRAFT, reject_reason="too cheap")

    order.submit(needs_approval=True, reason="big order")

    assert order.status == Status.PENDING_APPROVAL
    assert order.approval_reason == "big order"
    assert order.reject_reason == ""
    assert order.submitted_at is not None
    assert order.approved_at is None


def test_submit_without_approval_reason_goes_straight_to_approved():
    order = settled_order(Status.DRAFT)

    order.submit(needs_approval=False)

    assert order.status == Status.APPROVED
    assert order.approved_at == order.submitted_at
    assert order.approval_reason == ""


def test_reject_returns_to_draft_with_the_reason():
    order = settled_order(Status.PENDING_APPROVAL)
    order.submitted_at = order.created_at

    order.reject(reason="price too low")

    assert order.status == Status.DRAFT
    assert order.reject_reason == "price too low"
    assert order.submitted_at is None


@pytest.mark.parametrize(
    ("status", "fully_shipped", "target"),
    [
        (Status.APPROVED, False, Status.PARTIALLY_SHIPPED),
        (Status.APPROVED, True, Status.SHIPPED),
        (Status.PARTIALLY_SHIPPED, False, Status.PARTIALLY_SHIPPED),
        (Status.PARTIALLY_SHIPPED, True, Status.SHIPPED),
    ],
)
def test_ship_goes_to_partially_shipped_or_shipped(status, fully_shipped, target):
    order = settled_order(status)

    order.ship(fully_shipped=fully_shipped)

    assert order.status == target
    assert (order.shipped_at is not None) is fully_shipped


@pytest.mark.parametrize(
    ("invoiced", "paid"),
    [("0.00", "0.00"), ("113.00", "0.00"), ("0.00", "113.00"), ("112.99", "113.00")],
)
def test_close_needs_the_order_fully_invoiced_and_paid(invoiced, paid):
    order = settled_order(
        Status.SHIPPED, invoiced_amount=Decimal(invoiced), paid_amount=Decimal(paid)
    )

    assert can_proceed(order.close) is False


def test_close_of_a_settled_shipped_order_stamps_closed_at():
    order = settled_order(Status.SHIPPED)

    order.close()

    assert order.status == Status.CLOSED
    assert order.closed_at is not None


def test_cancel_records_the_reason_and_time():
    order = settled_order(Status.APPROVED)

    order.cancel(reason="customer withdrew")

    assert order.status == Status.CANCELLED
    assert order.cancel_reason == "customer withdrew"
    assert order.cancelled_at is not None


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED])
def test_hold_then_release_returns_to_the_held_status(status):
    order = settled_order(status)

    order.hold(reason="credit check")
    assert order.status == Status.ON_HOLD
    assert order.held_from_status == status

    order.release_hold()
    assert order.status == status
    assert order.held_from_status == ""


def test_status_cannot_be_assigned_directly():
    order = settled_order(Status.DRAFT)

    with pytest.raises(AttributeError):
        order.status = Status.APPROVED

    assert order.status == Status.DRAFT


# Which role may run which order transition (from a state where it is legal).
ORDER_PERMISSIONS = {
    "submit": {"sales", "admin"},
    # Finance decides the credit steps the credit check adds (which step, the service checks).
    "approve": {"approver", "finance", "manager", "admin"},
    "reject": {"approver", "finance", "manager", "admin"},
    "ship": {"warehouse", "admin"},
    "close": {"sales", "approver", "warehouse", "purchasing", "finance", "manager", "admin"},
    "cancel": {"sales", "manager", "admin"},
    "hold": {"manager", "finance", "admin"},
    "release_hold": {"manager", "finance", "admin"},
}


@pytest.mark.parametrize("transition_name", sorted(ORDER_PERMISSIONS))
def test_order_transition_permissions_by_role(users, transition_name):
    order = settled_order(sorted(ORDER_SOURCES[transition_name])[0])
    method = getattr(order, transition_name)

    allowed = {role for role, user in users.items() if has_transition_perm(method, user)}

    assert allowed == ORDER_PERMISSIONS[transition_name]


@pytest.mark.parametrize("transition_name", sorted(SHIPMENT_SOURCES))
@pytest.mark.parametrize("status", list(Shipment.Status))
def test_shipment_transition_table(status, transition_name):
    shipment = Shipment(status=status)

    assert can_proceed(getattr(shipment, transition_name)) is (
        status in SHIPMENT_SOURCES[transition_name]
    )


def test_shipment_confirm_records_carrier_and_tracking():
    shipment = Shipment(status=Shipment.Status.DRAFT)

    shipment.confirm(carrier_id=7, tracking_number="SF123")

    assert shipment.status == Shipment.Status.CONFIRMED
    assert shipment.carrier_id == 7
    assert shipment.tracking_number == "SF123"
    assert shipment.confirmed_at is not None


def test_shipment_deliver_stamps_delivered_at():
    shipment = Shipment(status=Shipment.Status.CONFIRMED)

    shipment.deliver()

    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at is not None


@pytest.mark.parametrize("status", [Shipment.Status.CONFIRMED, Shipment.Status.DELIVERED])
def test_shipped_shipment_cannot_be_cancelled(status):
    shipment = Shipment(status=status)

    with pytest.raises(TransitionNotAllowed):
        shipment.cancel()

    assert shipment.status == status


SHIPMENT_PERMISSIONS = {
    "confirm": {"warehouse", "admin"},
    "deliver": {"warehouse", "admin"},
    "cancel": {"warehouse", "admin"},
}


@pytest.mark.parametrize("transition_name", sorted(SHIPMENT_PERMISSIONS))
def test_shipment_transition_permissions_by_role(users, transition_name):
    shipment = Shipment(status=sorted(SHIPMENT_SOURCES[transition_name])[0])
    method = getattr(shipment, transition_name)

    allowed = {role for role, user in users.items() if has_transition_perm(method, user)}

    assert allowed == SHIPMENT_PERMISSIONS[transition_name]


@pytest.mark.parametrize(
    ("total", "invoiced", "expected"),
    [
        ("113.00", "0.00", SalesOrder.InvoiceStatus.NOT_INVOICED),
        ("113.00", "0.01", SalesOrder.InvoiceStatus.PARTIALLY_INVOICED),
        ("113.00", "112.99", SalesOrder.InvoiceStatus.PARTIALLY_INVOICED),
        ("113.00", "113.00", SalesOrder.InvoiceStatus.INVOICED),
        ("0.00", "0.00", SalesOrder.InvoiceStatus.NOT_INVOICED),
    ],
)
def test_invoice_status_is_derived_from_invoiced_amount(total, invoiced, expected):
    order = SalesOrder(total_amount=Decimal(total), invoiced_amount=Decimal(invoiced))

    assert order.invoice_status == expected
    assert order.is_fully_invoiced is (expected == SalesOrder.InvoiceStatus.INVOICED)


@pytest.mark.parametrize(
    ("total", "paid", "expected", "open_amount"),
    [
        ("113.00", "0.00", SalesOrder.PaymentStatus.UNPAID, "113.00"),
        ("113.00", "50.00", SalesOrder.PaymentStatus.PARTIALLY_PAID, "63.00"),
        ("113.00", "113.00", SalesOrder.PaymentStatus.PAID, "0.00"),
        ("0.00", "0.00", SalesOrder.PaymentStatus.UNPAID, "0.00"),
    ],
)
def test_payment_status_is_derived_from_paid_amount(total, paid, expected, open_amount):
    order = SalesOrder(total_amount=Decimal(total), paid_amount=Decimal(paid))

    assert order.payment_status == expected
    assert order.open_amount == Decimal(open_amount)
    assert order.is_fully_paid is (expected == SalesOrder.PaymentStatus.PAID)


@pytest.mark.parametrize(
    ("status", "invoiced", "expected"),
    [
        (Status.DRAFT, "0.00", False),
        (Status.PENDING_APPROVAL, "0.00", False),
        (Status.APPROVED, "0.00", True),
        (Status.PARTIALLY_SHIPPED, "50.00", True),
        (Status.SHIPPED, "112.99", True),
        (Status.SHIPPED, "113.00", False),
        (Status.ON_HOLD, "0.00", False),
        (Status.CANCELLED, "0.00", False),
        (Status.CLOSED, "113.00", False),
    ],
)
def test_is_invoiceable_needs_an_approved_order_not_fully_invoiced(status, invoiced, expected):
    order = SalesOrder(
        status=status, total_amount=Decimal("113.00"), invoiced_amount=Decimal(invoiced)
    )

    assert order.is_invoiceable is expected
