"""Every URL of OPMS answers every role with 200, 302 or 403 (POST-only ones with 405 to GET)."""

from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from finance.models import BankAccount
from finance.services import (
    bank_statement_import,
    credit_note_create,
    invoice_create,
    invoice_issue,
    payment_record,
)
from orders.services import order_approve, order_submit, shipment_create

SKIP_NAMESPACES = {"admin"}
POST_ONLY_OK = {200, 302, 403, 404, 409, 422}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


@pytest.fixture
def documents(users, products, make_order, customer):
    order = make_order([(products[0], 100), (products[1], 5)])
    order = order_submit(order_id=order.pk, actor=users["sales"])
    if order.status == order.Status.PENDING_APPROVAL:
        order_approve(order_id=order.pk, actor=users["approver"], comment="ok")
    line = order.lines.order_by("line_no").first()
    shipment = shipment_create(order_id=order.pk, actor=users["warehouse"], quantities={line.pk: 1})
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    payment = payment_record(customer=customer, amount=Decimal("10.00"), actor=users["finance"])
    invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    credit_note = credit_note_create(
        customer_id=customer.pk,
        invoice_id=invoice.pk,
        amount=Decimal("5.00"),
        reason="price_adjustment",
        actor=users["finance"],
    )
    account = BankAccount.objects.create(name="ICBC", account_number="6222000011112222")
    statement = bank_statement_import(
        bank_account_id=account.pk,
        file_name="s.csv",
        content="交易日期,贷方发生额,对方户名,摘要\n2026-11-20,1.00,某公司,货款\n".encode(),
        actor=users["finance"],
    ).statement
    return {
        "order": order.pk,
        "shipment": shipment.pk,
        "invoice": invoice.pk,
        "payment": payment.pk,
        "customer": customer.pk,
        "product": products[0].pk,
        "credit_note": credit_note.pk,
        "statement": statement.pk,
        "workbench": statement.lines.get().pk,
    }


def _concrete(route: str, view_name: str, documents: dict) -> str:
    """Fill <int:pk> / <int:order_pk> with an id of the matching kind of document."""
    kind = "order"
    for candidate in (
        "shipment",
        "invoice",
        "payment",
        "customer",
        "product",
        "credit_note",
        "statement",
        "workbench",
    ):
        if candidate in view_name:
            kind = candidate
    if "order_pk" in route or "billing" in route:
        kind = "order"
    path = route
    for token in ("<int:pk>", "<int:order_pk>"):
        path = path.replace(token, str(documents[kind]))
    return "/" + path


def _routes():
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if "<" in route.replace("<int:pk>", "").replace("<int:order_pk>", ""):
            continue
        routes.append((route, pattern))
    return routes


@pytest.mark.parametrize(
    "role", ["sales", "approver", "warehouse", "purchasing", "finance", "manager", "admin"]
)
def test_every_url_answers_every_role_without_a_server_error(client, users, documents, role):
    client.force_login(users[role])
    failures = []
    for route, pattern in _routes():
        view_name = getattr(pattern.callback, "__name__", "")
        path = _concrete(route, view_name, documents)
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path, {})
            if response.status_code not in POST_ONLY_OK:
                failures.append((path, "POST", response.status_code))
        elif response.status_code not in (200, 302, 403):
            failures.append((path, "GET", response.status_code))
    assert failures == []


def test_anonymous_users_are_sent_to_login(client, documents):
    for route, pattern in _routes():
        if route.startswith(("accounts/", "healthz", "i18n/")):
            continue
        view_name = getattr(pattern.callback, "__name__", "")
        response = client.get(_concrete(route, view_name, documents))
        assert response.status_code in (302, 405), route
