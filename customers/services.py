"""Writes to customers: creation and the exposure figures other apps keep current."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from customers.models import Customer
from opms.core.money import ZERO


@transaction.atomic
def customer_create(*, code: str, name: str, **fields) -> Customer:
    """Create a customer; the code must be unique."""
    customer = Customer(code=code, name=name, **fields)
    customer.full_clean()
    customer.save()
    return customer


def customer_exposure_adjust(
    *, customer_id: int, open_order_delta: Decimal = ZERO, receivable_delta: Decimal = ZERO
) -> None:
    """Move the customer's open-order and receivable figures by the given deltas.

    Called inside the caller's transaction (order submit, invoice issue, payment
    allocation); F() keeps concurrent adjustments exact.
    """
    if not open_order_delta and not receivable_delta:
        return
    Customer.objects.filter(pk=customer_id).update(
        open_order_amount=F("open_order_amount") + open_order_delta,
        receivable_amount=F("receivable_amount") + receivable_delta,
    )
