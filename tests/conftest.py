"""Shared fixtures: one user per role, a customer, a warehouse and stocked products."""

from decimal import Decimal

import pytest

from inventory.services import stock_receive
from orders.services import LineInput, order_create
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    ProductFactory,
    UserFactory,
    WarehouseFactory,
)

ROLES = ["sales", "approver", "warehouse", "purchasing", "finance", "manager"]


@pytest.fixture
def users(db):
    """{role: user} with the role's group; plus 'admin' as a superuser."""
    people = {role: UserFactory(username=role, roles=[role]) for role in ROLES}
    admin = UserFactory(username="admin", roles=["admin"], is_staff=True, is_superuser=True)
    people["admin"] = admin
    return people


@pytest.fixture
def customer(db):
    return CustomerFactory(credit_limit_amount=Decimal("1000000.00"))


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="SH", name="上海仓")


@pytest.fixture
def carrier(db):
    return CarrierFactory()


def stocked_product(warehouse, quantity: int, **fields):
    product = ProductFactory(**fields)
    if quantity:
        stock_receive(
            product_id=product.pk, warehouse_id=warehouse.pk, quantity=quantity, reason="test"
        )
    return product


@pytest.fixture
def products(warehouse):
    """Three products with 100, 50 and 20 units on hand."""
    return [
        stocked_product(warehouse, 100, list_price_amount=Decimal("320.00")),
        stocked_product(warehouse, 50, list_price_amount=Decimal("35.50")),
        stocked_product(warehouse, 20, list_price_amount=Decimal("999.99")),
    ]


@pytest.fixture
def make_order(users, customer, warehouse):
    """Create a draft order through the service: make_order([(product, qty), ...])."""

    def make(lines, *, actor=None, customer_=None, **kwargs):
        return order_create(
            actor=actor or users["sales"],
            customer=customer_ or customer,
            warehouse=warehouse,
            lines=[
                LineInput(product_id=product.pk, quantity=quantity, **kwargs)
                for product, quantity in lines
            ],
        )

    return make
