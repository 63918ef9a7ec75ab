"""Purchasing screens: suggestions, purchase orders, receiving, PDFs, expected arrivals."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from inventory.models import StockLevel
from orders.models import SalesOrder
from orders.services import order_submit, shipment_confirm, shipment_create
from purchasing.models import (
    GoodsReceipt,
    PurchaseOrder,
    ReorderPolicy,
    ReorderSuggestion,
    SupplierProduct,
)
from purchasing.services import (
    purchase_order_send,
    purchase_orders_create_from_suggestions,
    suggestions_compute,
)
from tests.factories import ProductFactory


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def purchase_order(policies, users):
    suggestions_compute()
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))
    (order,) = purchase_orders_create_from_suggestions(
        suggestion_ids=ids, actor=users["purchasing"]
    )
    return order


def test_suggestions_page_groups_by_supplier_and_shows_the_reason(client, users, policies):
    suggestions_compute()
    client.force_login(users["purchasing"])

    response = client.get(reverse("purchasing:reorder"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "华东电机有限公司" in body
    assert "below the reorder point 30" in body
    assert body.count('name="suggestion"') == 2


def test_the_compute_button_is_idempotent(client, users, policies):
    client.force_login(users["purchasing"])
    client.post(reverse("purchasing:suggestions_compute"))
    client.post(reverse("purchasing:suggestions_compute"))
    assert ReorderSuggestion.objects.count() == 2


def test_purchasing_turns_suggestions_into_a_purchase_order(client, users, policies):
    suggestions_compute()
    client.force_login(users["purchasing"])
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))

    response = client.post(reverse("purchasing:suggestions_order"), {"suggestion": ids})

    order = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("purchasing:order", args=[order.pk])
    assert order.lines.count() == 2


def test_sales_cannot_create_purchase_orders(client, users, policies):
    suggestions_compute()
    client.force_login(users["sales"])
    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))
    response = client.post(reverse("purchasing:suggestions_order"), {"suggestion": ids})
    assert response.status_code == 403
    assert PurchaseOrder.objects.count() == 0


def test_purchase_order_pdf_has_chinese_text(client, users, purchase_order):
    client.force_login(users["purchasing"])

    response = client.get(
        reverse("purchasing:pdf", args=[purchase_order.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "采购订单" in text
    assert "华东电机有限公司" in text
    assert purchase_order.number in text


def test_outbound_note_pdf_has_chinese_text(client, users, make_order, products, carrier):
    order = order_submit(order_id=make_order([(products[0], 3)]).pk, actor=users["sales"])
    shipment = shipment_create(
        order_id=order.pk, actor=users["warehouse"], quantities={order.lines.get().pk: 3}
    )
    shipment_confirm(
        shipment_id=shipment.pk,
        actor=users["warehouse"],
        carrier_id=carrier.pk,
        tracking_number="SF1234567890",
    )
    client.force_login(users["warehouse"])

    response = client.get(
        reverse("orders:shipment_pdf", args=[shipment.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    text = pdf_text(response.content)
    assert "出库单" in text
    assert "上海仓" in text
    assert shipment.number in text and "SF1234567890" in text


def test_warehouse_receives_part_of_a_delivery(client, users, purchase_order, warehouse):
    purchase_order_send(purchase_order_id=purchase_order.pk, actor=users["purchasing"])
    first, second = purchase_order.lines.order_by("line_no")
    client.force_login(users["warehouse"])

    response = client.post(
        reverse("purchasing:receive", args=[purchase_order.pk]),
        {f"receive-{first.pk}": "30", f"receive-{second.pk}": "0"},
    )

    assert response.status_code == 302
    purchase_order.refresh_from_db()
    assert purchase_order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    assert StockLevel.objects.get(product=first.product, warehouse=warehouse).on_hand == 80


@pytest.mark.parametrize("raw", ["-1", "1.5", "abc"])
def test_bad_receipt_input_is_refused_and_changes_nothing(client, users, purchase_order, raw):
    purchase_order_send(purchase_order_id=purchase_order.pk, actor=users["purchasing"])
    first = purchase_order.lines.order_by("line_no").first()
    client.force_login(users["warehouse"])

    response = client.post(
        reverse("purchasing:receive", args=[purchase_order.pk]), {f"receive-{first.pk}": raw}
    )

    assert response.status_code == 422
    assert "Quantities must be whole numbers of zero or more." in response.content.decode()
    assert GoodsReceipt.objects.count() == 0


def test_order_page_shows_backorders_with_expected_arrival(
    client, users, purchase_order, make_order, products
):
    order = order_submit(order_id=make_order([(products[2], 25)]).pk, actor=users["sales"])
    assert order.status == SalesOrder.Status.APPROVED
    client.force_login(users["sales"])

    response = client.get(
        reverse("purchasing:expected_arrivals")
        + f"?warehouse={order.warehouse_id}&product={products[2].pk}"
    )

    body = response.content.decode()
    assert purchase_order.number in body
    assert purchase_order.expected_on.isoformat() in body


def test_purchase_order_list_for_warehouse_shows_what_to_receive(client, users, purchase_order):
    purchase_order_send(purchase_order_id=purchase_order.pk, actor=users["purchasing"])
    client.force_login(users["warehouse"])
    response = client.get(reverse("purchasing:orders") + "?status=to_receive")
    assert purchase_order.number in response.content.decode()


def test_purchase_order_list_and_suggestions_do_not_grow_with_rows(
    client, users, policies, warehouse, supplier
):
    suggestions_compute()
    client.force_login(users["purchasing"])
    client.get(reverse("purchasing:orders"))  # warm the session
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("purchasing:reorder"))
    for _ in range(3):
        product = ProductFactory()
        SupplierProduct.objects.create(
            supplier=supplier, product=product, unit_price_amount=1, is_preferred=True
        )
        ReorderPolicy.objects.create(
            product=product, warehouse=warehouse, reorder_point=5, reorder_quantity=10
        )
    suggestions_compute()
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("purchasing:reorder"))
    assert response.content.decode().count('name="suggestion"') == 5
    assert len(five.captured_queries) == len(two.captured_queries)

    ids = list(ReorderSuggestion.objects.values_list("pk", flat=True))
    purchase_orders_create_from_suggestions(suggestion_ids=ids[:1], actor=users["purchasing"])
    with CaptureQueriesContext(connection) as one_order:
        client.get(reverse("purchasing:orders"))
    purchase_orders_create_from_suggestions(suggestion_ids=ids[1:], actor=users["purchasing"])
    with CaptureQueriesContext(connection) as more_orders:
        client.get(reverse("purchasing:orders"))
    assert len(more_orders.captured_queries) == len(one_order.captured_queries)
