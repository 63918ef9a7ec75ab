"""Orders that arrive from integration channels and batch files, by customer code and SKU,
through the same create and submit services as the order form."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.selectors import customers_visible_to
from customers.services import customer_create
from inventory.models import Product, Warehouse
from orders.errors import (
    CurrencyMismatch,
    CustomerCodeTaken,
    UnknownReference,
)
from orders.models import SalesOrder
from orders.services.lifecycle import LineInput, order_create, order_place


@dataclass(frozen=True)
class IntakeLine:
    sku: str
    quantity: int
    unit_price: Decimal | None = None


def _warehouse_for(customer: Customer, warehouse_code: str) -> Warehouse | None:
    code = warehouse_code or customer.default_warehouse_code
    warehouses = Warehouse.objects.order_by("code")
    if code:
        return warehouses.filter(code=code).first()
    return warehouses.first()


@transaction.atomic
def order_intake(
    *,
    actor,
    channel,
    external_id: str,
    customer_code: str,
    lines: list[IntakeLine],
    currency: str = "",
    warehouse_code: str = "",
    shipping_address: str = "",
    note: str = "",
    submit: bool = False,
) -> SalesOrder:
    """Create (and with `submit`, submit) an order named by codes.

    The customer must be one the actor may see in the UI. Unit prices left out are
    priced by the pricing engine. Raises DuplicateExternalOrder (409, with the existing
    number), UnknownReference, CurrencyMismatch and whatever create and submit raise.
    """
    # A duplicate (channel, external_id) is refused by the unique constraint when the
    # order is inserted (order_create): no look-up first, and no race either.
    # With its team: order_create reads it for the order's team.
    customer = (
        customers_visible_to(Customer.objects.select_related("team"), actor)
        .filter(code=customer_code)
        .first()
    )
    errors: dict = {}
    if customer is None:
        errors["customer"] = [_("No customer with code %(code)s.") % {"code": customer_code}]
    products = (
        Product.objects.select_related("category")
        .filter(sku__in={line.sku for line in lines}, is_active=True)
        .in_bulk(field_name="sku")
    )
    line_errors = {
        str(index): {"sku": [_("No active product with SKU %(sku)s.") % {"sku": line.sku}]}
        for index, line in enumerate(lines)
        if line.sku not in products
    }
    if line_errors:
        errors["lines"] = line_errors
    warehouse = _warehouse_for(customer, warehouse_code) if customer is not None else None
    if customer is not None and warehouse is None:
        errors["warehouse"] = [_("No warehouse with code %(code)s.") % {"code": warehouse_code}]
    if errors:
        raise UnknownReference(errors=errors, names=", ".join(sorted(errors)))
    if currency and currency.upper() != customer.currency:
        raise CurrencyMismatch(customer=customer.code, expected=customer.currency, given=currency)
    # Entered and submitted at once (order_place) when the channel asks to submit.
    enter = order_place if submit else order_create
    return enter(
        actor=actor,
        customer=customer,
        warehouse=warehouse,
        lines=[
            LineInput(
                product_id=products[line.sku].pk,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in lines
        ],
        note=note,
        channel=channel,
        external_id=external_id,
        shipping_address=shipping_address,
        products={product.pk: product for product in products.values()},
    )


@transaction.atomic
def customer_intake_create(*, actor, code: str, name: str, **fields) -> Customer:
    """A customer created by an integration belongs to the channel user and their team.

    Raises CustomerCodeTaken (409) when the code exists.
    """
    if Customer.objects.filter(code=code).exists():
        raise CustomerCodeTaken(code=code)
    return customer_create(
        code=code, name=name, sales_rep=actor, team=getattr(actor, "team", None), **fields
    )
