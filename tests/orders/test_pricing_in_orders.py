"""Orders priced by the pricing engine: rule prices, manual overrides, the form preview."""

from decimal import Decimal

from django.urls import reverse

from customers.models import PriceList, PriceRule
from orders.models import SalesOrder
from orders.services import LineInput, order_create, order_submit


def _rule(product, price, name="Contract price"):
    price_list = PriceList.objects.create(name="Default", kind="default")
    return PriceRule.objects.create(
        price_list=price_list,
        name=name,
        product_sku=product.sku,
        basis="fixed_price",
        fixed_price_amount=Decimal(price),
    )


def test_order_create_uses_the_rule_price_and_stores_its_name(make_order, products):
    _rule(products[0], "300.00")
    order = make_order([(products[0], 2), (products[1], 1)])
    first, second = order.lines.order_by("line_no")
    assert (first.unit_price_amount, first.price_rule_name) == (Decimal("300.00"), "Contract price")
    assert (second.unit_price_amount, second.price_rule_name) == (Decimal("35.50"), "")


def test_a_manual_price_beyond_the_cap_needs_approval(users, customer, warehouse, products):
    _rule(products[0], "300.00")
    order = order_create(
        actor=users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=products[0].pk, quantity=1, unit_price=Decimal("240.00"))],
    )
    line = order.lines.get()
    assert line.price_rule_name == ""
    order = order_submit(order_id=order.pk, actor=users["sales"])
    assert order.status == SalesOrder.Status.PENDING_APPROVAL
    assert "price of line 1 is 20.00% below the rule price" in order.approval_reason


def test_a_manual_price_within_the_cap_needs_no_price_approval(
    users, customer, warehouse, products
):
    _rule(products[0], "300.00")
    order = order_create(
        actor=users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=products[0].pk, quantity=1, unit_price=Decimal("290.00"))],
    )
    order = order_submit(order_id=order.pk, actor=users["sales"])
    assert "below the rule price" not in order.approval_reason


def test_order_form_shows_the_rule_price_and_name(client, users, customer, warehouse, products):
    _rule(products[0], "300.00", name="Key account 300")
    client.force_login(users["sales"])
    data = {
        "customer": customer.pk,
        "warehouse": warehouse.pk,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products[0].sku,
        "lines-0-quantity": "3",
        "lines-0-unit_price": "",
        "lines-0-discount_percent": "",
    }
    response = client.post(
        reverse("orders:create"), data, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="order-form"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="line-0-price" hx-swap-oob="true"' in body
    assert "Key account 300" in body
    assert "¥900.00" in body  # 3 × 300.00
