"""Finance pages over HTTP: permissions, invoicing and reconciliation (核销), PDFs, query counts."""

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from finance.models import Invoice, Payment, PaymentAllocation
from finance.services import (
    BASIS_ORDERED,
    invoice_create,
    invoice_issue,
    invoice_void,
    payment_record,
)
from orders.models import SalesOrder
from orders.services import order_approve, order_submit, shipment_confirm, shipment_create
from tests.factories import CustomerFactory

CJK = re.compile(r"[\u4e00-\u9fff]")


def approved(order, users) -> SalesOrder:
    order = order_submit(order_id=order.pk, actor=users["sales"])
    if order.status == SalesOrder.Status.PENDING_APPROVAL:
        order = order_approve(order_id=order.pk, actor=users["approver"], comment="ok")
    return order


def shipped(order, users, carrier):
    """Ship every open quantity of an approved order; return the order and its shipment."""
    shipment = shipment_create(
        order_id=order.pk,
        actor=users["warehouse"],
        quantities={line.pk: line.quantity_open for line in order.lines.all()},
    )
    shipment_confirm(
        shipment_id=shipment.pk,
        actor=users["warehouse"],
        carrier_id=carrier.pk,
        tracking_number="SF1234567890",
    )
    order.refresh_from_db()
    return order, shipment


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the site's default language is Chinese."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def shipped_order(users, products, make_order, carrier):
    order = approved(make_order([(products[0], 3), (products[1], 4)]), users)
    order, shipment = shipped(order, users, carrier)
    assert order.status == SalesOrder.Status.SHIPPED
    return order, shipment


@pytest.fixture
def books(users, shipped_order):
    """An issued invoice and a payment of 100.00 left unallocated, for the same customer."""
    order, shipment = shipped_order
    invoice = invoice_create(order_id=order.pk, actor=users["finance"])
    invoice = invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    payment = payment_record(
        customer=order.customer, amount=Decimal("100.00"), actor=users["finance"]
    )
    return {"order": order, "shipment": shipment, "invoice": invoice, "payment": payment}


@pytest.fixture
def finance_client(client, users):
    client.force_login(users["finance"])
    return client


def finance_pages(books) -> list[str]:
    order, invoice, payment = books["order"], books["invoice"], books["payment"]
    return [
        reverse("finance:to_reconcile"),
        reverse("finance:invoices"),
        reverse("finance:invoices") + "?status=issued&q=" + invoice.number,
        reverse("finance:invoice_create", args=[order.pk]),
        reverse("finance:invoice", args=[invoice.pk]),
        reverse("finance:invoice_pdf", args=[invoice.pk]),
        reverse("finance:payments"),
        reverse("finance:payments") + "?unallocated=true&q=" + order.customer.name[:3],
        reverse("finance:payment_create"),
        reverse("finance:payment_create") + f"?invoice={invoice.pk}",
        reverse("finance:payment", args=[payment.pk]),
        reverse("finance:order_billing", args=[order.pk]),
    ]


def test_every_finance_page_renders_for_the_finance_user(finance_client, books):
    for url in finance_pages(books):
        response = finance_client.get(url)
        assert response.status_code == 200, url


def test_warehouse_user_is_refused_every_finance_page(client, users, books):
    client.force_login(users["warehouse"])
    billing = reverse("finance:order_billing", args=[books["order"].pk])
    for url in finance_pages(books):
        if url == billing:
            continue
        assert client.get(url).status_code == 403, url
    posts = [
        reverse("finance:invoice_issue", args=[books["invoice"].pk]),
        reverse("finance:invoice_void", args=[books["invoice"].pk]),
        reverse("finance:payment_allocate", args=[books["payment"].pk]),
        reverse("finance:payment_create"),
        reverse("finance:invoice_create", args=[books["order"].pk]),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 403, url
    assert Invoice.objects.count() == 1
    assert Payment.objects.count() == 1


def test_billing_card_shows_a_note_instead_of_a_403_without_invoice_access(client, users, books):
    client.force_login(users["warehouse"])
    response = client.get(reverse("finance:order_billing", args=[books["order"].pk]))
    assert response.status_code == 200
    assert b'data-testid="billing-no-access"' in response.content
    assert books["invoice"].number.encode() not in response.content
    assert b"<html" not in response.content


def test_billing_card_lists_invoices_and_allocations_for_sales(client, users, books):
    payment_allocate_through_service = payment_record(
        customer=books["order"].customer,
        amount=Decimal("10.00"),
        actor=users["finance"],
        allocate_to=books["invoice"],
    )
    client.force_login(users["sales"])
    response = client.get(reverse("finance:order_billing", args=[books["order"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert books["invoice"].number in content
    assert payment_allocate_through_service.number in content
    assert 'data-testid="billing-create-invoice"' not in content
    assert "<html" not in content


def test_invoice_payment_and_close_through_the_views(finance_client, users, shipped_order):
    order, _ = shipped_order
    response = finance_client.post(
        reverse("finance:invoice_create", args=[order.pk]), {"basis": "shipped"}
    )
    invoice = Invoice.objects.get(order=order)
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:invoice", args=[invoice.pk])
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.total_amount == order.total_amount

    response = finance_client.post(reverse("finance:invoice_issue", args=[invoice.pk]))
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED

    page = finance_client.get(reverse("finance:payment_create") + f"?invoice={invoice.pk}")
    assert page.context["form"].initial["amount"] == invoice.total_amount
    assert page.context["form"].initial["invoice"] == invoice.number

    response = finance_client.post(
        reverse("finance:payment_create"),
        {
            "customer": order.customer_id,
            "amount": str(invoice.total_amount),
            "method": Payment.Method.BANK_TRANSFER,
            "received_on": "2026-01-15",
            "bank_reference": "ICBC-0001",
            "invoice": invoice.number,
        },
        follow=True,
    )
    payment = Payment.objects.get()
    assert response.redirect_chain == [(reverse("finance:payment", args=[payment.pk]), 302)]
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        f"Payment {payment.number} recorded. Invoice {invoice.number} is paid in full."
    ]
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert payment.allocated_amount == invoice.total_amount
    assert order.status == SalesOrder.Status.CLOSED


def test_allocating_on_the_payment_page_pays_the_invoice_partially(finance_client, books):
    invoice, payment = books["invoice"], books["payment"]
    page = finance_client.get(reverse("finance:payment", args=[payment.pk]))
    assert page.context["form"].initial == {"invoice": invoice.pk, "amount": Decimal("100.00")}
    assert (
        f'<option value="{invoice.pk}" selected data-amount="100.00">{invoice.number}'
        in page.content.decode()
    )

    response = finance_client.post(
        reverse("finance:payment_allocate", args=[payment.pk]),
        {"invoice": invoice.pk, "amount": "60.00"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("finance:payment", args=[payment.pk]), 302)]
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice.allocated_amount == Decimal("60.00")
    assert payment.unallocated_amount == Decimal("40.00")


def test_allocation_larger_than_the_invoice_owes_is_refused_and_changes_nothing(
    finance_client, users, books
):
    invoice = books["invoice"]
    big = payment_record(
        customer=invoice.customer, amount=invoice.total_amount + 50, actor=users["finance"]
    )
    response = finance_client.post(
        reverse("finance:payment_allocate", args=[big.pk]),
        {"invoice": invoice.pk, "amount": str(invoice.total_amount + 1)},
    )
    assert response.status_code == 422
    assert "more than the invoice still owes" in response.context["error"]
    assert 'data-testid="error"' in response.content.decode()
    invoice.refresh_from_db()
    big.refresh_from_db()
    books["order"].refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.allocated_amount == Decimal("0.00")
    assert big.allocated_amount == Decimal("0.00")
    assert PaymentAllocation.objects.count() == 0
    assert books["order"].paid_amount == Decimal("0.00")


def test_creating_an_invoice_with_nothing_left_is_refused_with_422(finance_client, books):
    order = books["order"]
    response = finance_client.post(
        reverse("finance:invoice_create", args=[order.pk]), {"basis": "shipped"}
    )
    assert response.status_code == 422
    assert response.context["error"] == f"Order {order.number} has nothing left to invoice."
    assert Invoice.objects.filter(order=order).count() == 1


def test_prepayment_invoice_is_previewed_and_created_for_an_unshipped_order(
    finance_client, users, products, make_order
):
    order = approved(make_order([(products[2], 2)]), users)
    url = reverse("finance:invoice_create", args=[order.pk])
    shipped_basis = finance_client.get(url)
    assert shipped_basis.context["preview"].lines == []
    preview = finance_client.get(url, {"basis": BASIS_ORDERED}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    content = preview.content.decode()
    assert content.lstrip().startswith('<div id="invoice-preview">')
    assert 'data-testid="preview-total">¥' in content
    assert 'data-testid="nothing-to-invoice"' not in content
    response = finance_client.post(url, {"basis": BASIS_ORDERED})
    assert response.status_code == 302
    assert Invoice.objects.get(order=order).total_amount == order.total_amount


def test_voiding_a_draft_needs_a_reason(finance_client, users, shipped_order):
    order, _ = shipped_order
    invoice = invoice_create(order_id=order.pk, actor=users["finance"])
    url = reverse("finance:invoice_void", args=[invoice.pk])
    assert finance_client.post(url, {"reason": ""}).status_code == 422
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT
    assert finance_client.post(url, {"reason": "wrong basis"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert invoice.void_reason == "wrong basis"


def test_payment_form_refuses_a_zero_amount_and_a_future_date(finance_client, customer):
    response = finance_client.post(
        reverse("finance:payment_create"),
        {
            "customer": customer.pk,
            "amount": "0",
            "method": Payment.Method.CASH,
            "received_on": "2999-01-01",
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"amount", "received_on"}
    assert Payment.objects.count() == 0


def pdf_text(content: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        # pypdf (a test dependency) reads the text layer when poppler is not installed.
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_invoice_pdf_is_a_pdf_with_chinese_text(finance_client, books):
    response = finance_client.get(
        reverse("finance:invoice_pdf", args=[books["invoice"].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    if text is None:
        pytest.skip("pdftotext is not installed")
    assert CJK.search(text)
    assert books["invoice"].number in text
    assert books["order"].customer.name in text


def test_shipment_pdf_is_a_pdf_with_chinese_text(client, users, books):
    client.force_login(users["warehouse"])
    shipment = books["shipment"]
    response = client.get(
        reverse("orders:shipment_pdf", args=[shipment.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    if text is None:
        pytest.skip("pdftotext is not installed")
    assert CJK.search(text)
    assert shipment.number in text
    assert "SF1234567890" in text
    assert "上海仓" in text


def test_shipment_pdf_needs_view_shipment(client, users, books):
    client.force_login(users["purchasing"])
    response = client.get(reverse("orders:shipment_pdf", args=[books["shipment"].pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("invoices", [2, 12])
def test_invoice_list_query_count_does_not_grow_with_invoices(
    finance_client, users, shipped_order, django_assert_max_num_queries, invoices
):
    order, _ = shipped_order
    for _ in range(invoices - 1):
        draft = invoice_create(order_id=order.pk, actor=users["finance"])
        invoice_void(invoice_id=draft.pk, actor=users["finance"], reason="test")
    invoice_issue(
        invoice_id=invoice_create(order_id=order.pk, actor=users["finance"]).pk,
        actor=users["finance"],
    )
    assert Invoice.objects.count() == invoices
    # 7: session, user, permissions, the user's roles (sales scoping), page, filter choices,
    # the bell's unread count.
    with django_assert_max_num_queries(7):
        response = finance_client.get(reverse("finance:invoices"))
    assert response.status_code == 200
    assert len(response.context["page"].items) == invoices


@pytest.mark.parametrize("payments", [2, 12])
def test_payment_list_query_count_does_not_grow_with_payments(
    finance_client, users, customer, django_assert_max_num_queries, payments
):
    for number in range(payments):
        payment_record(customer=customer, amount=Decimal(10 + number), actor=users["finance"])
    # 6: session, user, permissions, roles, page, the bell's unread count.
    with django_assert_max_num_queries(6):
        response = finance_client.get(reverse("finance:payments"), {"unallocated": "true"})
    assert response.status_code == 200
    assert len(response.context["page"].items) == payments


def test_invoice_list_answers_htmx_with_the_results_fragment(finance_client, books):
    response = finance_client.get(
        reverse("finance:invoices"), {"q": books["invoice"].number}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="results">')
    assert books["invoice"].number in content


def test_payment_for_another_customers_invoice_is_refused_and_not_recorded(finance_client, books):
    other = CustomerFactory()
    response = finance_client.post(
        reverse("finance:payment_create"),
        {
            "customer": other.pk,
            "amount": "50.00",
            "method": Payment.Method.BANK_TRANSFER,
            "received_on": "2026-01-15",
            "invoice": books["invoice"].number,
        },
    )
    assert response.status_code == 422
    assert "belong to different customers" in response.context["error"]
    assert list(Payment.objects.values_list("pk", flat=True)) == [books["payment"].pk]
    books["invoice"].refresh_from_db()
    assert books["invoice"].allocated_amount == Decimal("0.00")
