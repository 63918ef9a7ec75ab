"""Fixtures of purchasing: a supplier with prices and reorder policies."""

from decimal import Decimal

import pytest

from purchasing.models import ReorderPolicy, Supplier, SupplierContact, SupplierProduct


@pytest.fixture
def supplier(db):
    supplier = Supplier.objects.create(code="SUP1", name="华东电机有限公司", lead_time_days=5)
    SupplierContact.objects.create(
        supplier=supplier, name="王经理", phone="021-1234", is_primary=True
    )
    return supplier


@pytest.fixture
def policies(products, warehouse, supplier):
    """Reorder points: product 0 at 10 (well stocked), 1 at 60 (min/max 120), 2 at 30."""
    for product, point, quantity, maximum, price in [
        (products[0], 10, 50, None, "200.00"),
        (products[1], 60, 0, 120, "20.00"),
        (products[2], 30, 40, None, "700.00"),
    ]:
        SupplierProduct.objects.create(
            supplier=supplier,
            product=product,
            unit_price_amount=Decimal(price),
            lead_time_days=5,
            is_preferred=True,
        )
        ReorderPolicy.objects.create(
            product=product,
            warehouse=warehouse,
            reorder_point=point,
            reorder_quantity=quantity,
            maximum_quantity=maximum,
        )
    return products
