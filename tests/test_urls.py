"""The permission matrix: every route of the URLconf × every role gets the answer written here.

The matrix is data: one line per route, the status code each role gets (in ROLES order) to a
GET, or to an empty POST ("P…") where the route answers GET with 405. A route added to the
URLconf without a line here fails `test_every_route_is_in_the_permission_matrix`, so no new
page escapes the review of who may open it; a changed answer fails the matrix test.
"""

from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from customers.services import complaint_log
from finance.models import BankAccount
from finance.services import (
    bank_statement_import,
    credit_note_create,
    invoice_create,
    invoice_issue,
    payment_record,
)
from orders.services import order_approve, order_submit, shipment_create

SKIP_NAMESPACES = {"admin"}  # the admin site checks its own model permissions
ROLES = ["sales", "approver", "warehouse", "purchasing", "finance", "manager", "admin"]
MATRIX = {
    "": "200 200 200 200 200 200 200",
    "healthz": "200 200 200 200 200 200 200",
    "accounts/login/": "200 200 200 200 200 200 200",
    "accounts/logout/": "P302 P302 P302 P302 P302 P302 P302",
    "i18n/setlang/": "302 302 302 302 302 302 302",
    "orders/": "200 200 200 403 200 200 200",
    "orders/new/": "200 403 403 403 403 403 200",
    "orders/product-options/": "200 403 403 403 403 403 200",
    # Anyone may be named as an approver, or be a delegate, so everyone has the list.
    "orders/approvals/": "200 200 200 200 200 200 200",
    "orders/to-ship/": "403 403 200 403 403 403 200",
    "orders/shipments/": "200 403 200 403 200 200 200",
    "orders/shipments/<int:pk>/": "200 403 200 403 200 200 200",
    "orders/shipments/<int:pk>/pdf/": "200 403 200 403 200 200 200",
    "orders/shipments/<int:pk>/confirm/": "P403 P403 P422 P403 P403 P403 P422",
    "orders/shipments/<int:pk>/deliver/": "P403 P403 P422 P403 P403 P403 P422",
    "orders/shipments/<int:pk>/cancel/": "P403 P403 P302 P403 P403 P403 P302",
    "orders/<int:pk>/": "200 200 200 403 200 200 200",
    "orders/<int:pk>/edit/": "302 403 403 403 403 403 302",
    "orders/<int:pk>/submit/": "P409 P409 P409 P403 P409 P409 P409",
    "orders/<int:pk>/approve/": "P409 P409 P409 P403 P409 P409 P409",
    "orders/<int:pk>/reject/": "P422 P422 P422 P403 P422 P422 P422",
    "orders/<int:pk>/cancel/": "P422 P422 P422 P403 P422 P422 P422",
    "orders/<int:pk>/hold/": "P422 P422 P422 P403 P422 P422 P422",
    "orders/<int:pk>/release/": "P409 P409 P409 P403 P409 P409 P409",
    "orders/<int:pk>/ship/": "403 403 200 403 403 403 200",
    "finance/": "403 403 403 403 200 200 200",
    "finance/credit/": "403 403 403 403 200 200 200",
    "finance/invoices/": "200 403 403 403 200 200 200",
    "finance/invoices/new/<int:order_pk>/": "403 403 403 403 200 403 200",
    "finance/invoices/<int:pk>/": "200 403 403 403 200 200 200",
    "finance/invoices/<int:pk>/issue/": "P403 P403 P403 P403 P422 P403 P422",
    "finance/invoices/<int:pk>/void/": "P403 P403 P403 P403 P422 P403 P422",
    "finance/invoices/<int:pk>/pdf/": "200 403 403 403 200 200 200",
    "finance/payments/": "403 403 403 403 200 200 200",
    "finance/payments/new/": "403 403 403 403 200 403 200",
    "finance/payments/<int:pk>/": "403 403 403 403 200 200 200",
    "finance/payments/<int:pk>/allocate/": "P403 P403 P403 P403 P422 P403 P422",
    "finance/orders/<int:order_pk>/billing/": "200 200 200 200 200 200 200",
    "customers/": "200 200 403 403 200 200 200",
    "customers/<int:pk>/complaints/": "P302 P302 P403 P403 P302 P302 P302",
    "customers/complaints/<int:pk>/advance/": "P302 P302 P403 P403 P302 P302 P302",
    "customers/<int:pk>/interactions/": "P302 P302 P403 P403 P302 P302 P302",
    "inventory/products/": "200 200 200 200 403 200 200",
    "inventory/products/<int:pk>/": "200 200 200 200 403 200 200",
    "inventory/stock/": "200 403 200 200 403 200 200",
    "purchasing/": "403 403 403 200 403 200 200",
    "reports/dashboard/": "403 403 403 403 403 200 200",
    "reports/customers/<int:pk>/": "200 200 403 403 200 200 200",
    "reports/": "403 403 403 403 200 200 200",
    "reports/alerts/": "403 403 200 200 200 200 200",
    "reports/alerts/count/": "403 403 200 200 200 200 200",
    "reports/subscriptions/": "403 403 403 403 200 200 200",
    "reports/subscriptions/<int:pk>/delete/": "403 403 403 403 P302 P302 P302",
    "reports/runs/<int:pk>/file/": "403 403 403 403 404 404 404",
    "reports/<slug:slug>/": "403 403 403 403 200 200 200",
    "reports/<slug:slug>/subscribe/": "403 403 403 403 P302 P302 P302",
    "orders/approvals/bulk/": "P302 P302 P302 P302 P302 P302 P302",
    "orders/approvals/delegations/": "200 200 200 200 200 200 200",
    "orders/approvals/delegations/<int:pk>/end/": "P302 P302 P302 P302 P302 P302 P302",
    "orders/approval-rules/": "403 403 403 403 403 403 200",
    "orders/approval-rules/new/": "403 403 403 403 403 403 200",
    "orders/approval-rules/<int:pk>/": "403 403 403 403 403 403 404",
    "orders/approval-rules/<int:pk>/history/": "403 403 403 403 403 403 404",
    "orders/custom-fields/": "403 403 403 403 403 403 200",
    "orders/custom-fields/<int:pk>/": "403 403 403 403 403 403 200",
    "orders/custom-fields/<int:pk>/delete/": "P403 P403 P403 P403 P403 P403 P302",
    "orders/imports/": "200 403 200 403 403 403 200",
    "orders/imports/upload/": "P404 P404 P404 P404 P404 P404 P404",
    "orders/imports/template/<str:kind>/": "200 403 403 403 403 403 200",
    "orders/imports/<int:pk>/": "404 404 404 404 404 404 404",
    "orders/imports/<int:pk>/confirm/": "P404 P404 P404 P404 P404 P404 P404",
    "orders/imports/<int:pk>/submit/": "P404 P404 P404 P404 P404 P404 P404",
    "orders/imports/<int:pk>/errors/": "404 404 404 404 404 404 404",
    "orders/integrations/": "403 403 403 403 403 403 200",
    "orders/integrations/<int:pk>/": "403 403 403 403 403 403 404",
    "orders/integrations/<int:pk>/keys/": "403 403 403 403 403 403 P404",
    "orders/integrations/keys/<int:pk>/revoke/": "403 403 403 403 403 403 P404",
    "orders/integrations/<int:pk>/webhooks/": "403 403 403 403 403 403 P404",
    "orders/integrations/deliveries/<int:pk>/replay/": "403 403 403 403 403 403 P404",
    "orders/<int:pk>/change/": "200 403 403 403 403 403 200",
    "orders/products/<int:pk>/demand/": "200 200 200 200 403 200 200",
    "orders/<int:pk>/return/": "200 403 403 403 403 403 200",
    "orders/returns/": "200 200 200 403 200 200 200",
    "orders/returns/<int:pk>/": "404 404 404 403 404 404 404",
    "orders/returns/<int:pk>/decide/": "P403 P404 P403 P403 P403 P404 P404",
    "orders/returns/<int:pk>/receive/": "P403 P403 P404 P403 P403 P403 P404",
    "finance/statements/": "403 403 403 403 200 403 200",
    "finance/statements/<int:pk>/": "403 403 403 403 200 200 200",
    "finance/workbench/": "403 403 403 403 200 403 200",
    "finance/workbench/<int:pk>/": "403 403 403 403 200 403 200",
    "finance/workbench/<int:pk>/accept/": "P403 P403 P403 P403 P422 P403 P422",
    "finance/workbench/<int:pk>/post/": "P403 P403 P403 P403 P422 P403 P422",
    "finance/workbench/<int:pk>/ignore/": "P403 P403 P403 P403 P302 P403 P302",
    "finance/allocations/<str:kind>/<int:pk>/reverse/": "P403 P403 P403 P403 P302 P403 P302",
    "finance/invoices/<int:pk>/apply-credit/": "P403 P403 P403 P403 P404 P403 P404",
    "finance/credit-notes/": "403 403 403 403 200 200 200",
    "finance/credit-notes/new/<int:invoice_pk>/": "403 403 403 403 200 403 200",
    "finance/credit-notes/<int:pk>/": "403 403 403 403 200 200 200",
    "finance/receivables/": "403 403 403 403 200 200 200",
    "finance/receivables/invoices/": "403 403 403 403 200 200 200",
    "finance/customers/<int:customer_pk>/statement.pdf": "403 403 403 403 200 200 200",
    "finance/email/<str:kind>/<int:pk>/": "P403 P403 P403 P403 P302 P302 P302",
    "customers/<int:pk>/custom-fields/": "P403 P403 P403 P403 P403 P403 P302",
    "inventory/ledger/": "403 403 200 403 403 403 200",
    "inventory/stock-take/": "403 403 302 403 403 403 302",
    "purchasing/suggestions/compute/": "P403 P403 P403 P302 P403 P302 P302",
    "purchasing/suggestions/order/": "P403 P403 P403 P302 P403 P403 P302",
    "purchasing/orders/": "403 403 200 200 403 200 200",
    "purchasing/orders/<int:pk>/": "403 403 404 404 403 404 404",
    "purchasing/orders/<int:pk>/send/": "P403 P403 P403 P404 P403 P403 P404",
    "purchasing/orders/<int:pk>/receive/": "P403 P403 P404 P404 P403 P403 P404",
    "purchasing/orders/<int:pk>/close/": "P403 P403 P403 P404 P403 P403 P404",
    "purchasing/orders/<int:pk>/cancel/": "P403 P403 P403 P404 P403 P403 P404",
    "purchasing/orders/<int:pk>/pdf/": "403 403 404 404 403 404 404",
    "purchasing/expected-arrivals/": "200 200 200 200 200 200 200",
    "purchasing/suppliers/": "403 403 403 200 403 200 200",
    "reports/audit/": "403 403 403 403 403 200 200",
    "notifications/": "200 200 200 200 200 200 200",
    "notifications/<int:pk>/open/": "P404 P404 P404 P404 P404 P404 P404",
    "notifications/read-all/": "P302 P302 P302 P302 P302 P302 P302",
    "notifications/preferences/": "200 200 200 200 200 200 200",
    "api/v1/products/": "200 200 200 200 403 200 200",
    "api/v1/customers/": "200 200 403 403 200 200 200",
    "api/v1/customers/<str:code>/": "200 200 403 403 200 200 200",
    "api/v1/orders/": "200 200 200 403 200 200 200",
    "api/v1/orders/<str:number>/": "200 200 200 403 200 200 200",
    "api/v1/orders/<str:number>/submit/": "P409 P409 P409 P403 P409 P409 P409",
    "api/v1/orders/<str:number>/cancel/": "P415 P415 P415 P403 P415 P415 P415",
    "api/v1/orders/<str:number>/shipments/": "200 403 200 403 200 200 200",
    "api/v1/shipments/<str:number>/": "200 403 200 403 200 200 200",
    "api/schema/": "200 200 200 200 200 200 200",
    "api/docs/": "200 200 200 200 200 200 200",
    "api/redoc/": "200 200 200 200 200 200 200",
}


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
    complaint = complaint_log(
        customer=customer, actor=users["sales"], title="Late delivery", category="delivery"
    )
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
        "credit_note": credit_note.pk,
        "statement": statement.pk,
        "workbench": statement.lines.get().pk,
        "order_number": order.number,
        "shipment_number": shipment.number,
        "customer_code": customer.code,
        # Documents the fixture does not make: their routes answer 404 (or 403) here.
        "missing": 999999,
        "order": order.pk,
        "shipment": shipment.pk,
        "invoice": invoice.pk,
        "payment": payment.pk,
        "customer": customer.pk,
        "product": products[0].pk,
        "complaint": complaint.pk,
    }


# Which kind of document a route's <int:pk> / <int:order_pk> names, by the route's prefix
# (first match wins). A route under a new prefix fails until it is listed here.
ROUTE_KINDS = [
    ("orders/shipments/", "shipment"),
    ("orders/products/", "product"),
    ("orders/approvals/delegations/", "missing"),
    ("orders/approval-rules/", "missing"),
    ("orders/custom-fields/", "missing"),
    ("orders/imports/", "missing"),
    ("orders/integrations/", "missing"),
    ("orders/returns/", "missing"),
    ("finance/statements/", "statement"),
    ("finance/workbench/", "workbench"),
    ("finance/credit-notes/new/", "invoice"),
    ("finance/credit-notes/", "credit_note"),
    ("finance/allocations/", "missing"),
    ("finance/email/", "invoice"),
    ("finance/customers/", "customer"),
    ("purchasing/orders/", "missing"),
    ("notifications/", "missing"),
    ("reports/subscriptions/", "missing"),
    ("reports/runs/", "missing"),
    ("orders/", "order"),
    ("finance/invoices/new/", "order"),
    ("finance/invoices/", "invoice"),
    ("finance/payments/", "payment"),
    ("finance/orders/", "order"),
    ("customers/complaints/", "complaint"),
    ("customers/", "customer"),
    ("reports/customers/", "customer"),
    ("inventory/products/", "product"),
]


# Other parameters: (route prefix, token, what fills it).
TOKENS = [
    ("", "<int:order_pk>", "order"),
    ("", "<int:invoice_pk>", "invoice"),
    ("", "<int:customer_pk>", "customer"),
    ("orders/imports/template/", "<str:kind>", "=orders"),
    ("finance/allocations/", "<str:kind>", "=payment"),
    ("finance/email/", "<str:kind>", "=invoice"),
    ("api/v1/customers/", "<str:code>", "customer_code"),
    ("api/v1/orders/", "<str:number>", "order_number"),
    ("api/v1/shipments/", "<str:number>", "shipment_number"),
    ("reports/", "<slug:slug>", "=sales"),
]


def _concrete(route: str, view_name: str, documents: dict) -> str:
    """Fill a route's parameters with a document of the kind the route names."""
    path = route
    for prefix, token, source in TOKENS:
        if token in path and route.startswith(prefix):
            value = source[1:] if source.startswith("=") else documents[source]
            path = path.replace(token, str(value))
    if "<int:pk>" in path:
        kind = next((k for prefix, k in ROUTE_KINDS if route.startswith(prefix)), None)
        assert kind, f"add the prefix of {route} to ROUTE_KINDS"
        path = path.replace("<int:pk>", str(documents[kind]))
    assert "<" not in path, f"teach _concrete() to fill the parameters of {route}"
    return "/" + path


def _routes():
    return list(_walk(get_resolver().url_patterns))


def test_every_route_is_in_the_permission_matrix():
    routes = {route for route, _ in _walk(get_resolver().url_patterns)}
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert missing == [], f"add these routes to MATRIX with each role's answer: {missing}"
    assert stale == [], f"these MATRIX routes no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_answer_the_matrix_says(client, users, documents, role):
    column = ROLES.index(role)
    differences = []
    for route, pattern in _routes():
        client.force_login(users[role])  # again: the logout route ends the session
        expected = MATRIX[route].split()[column]
        view_name = getattr(pattern.callback, "__name__", "")
        path = _concrete(route, view_name, documents)
        response = client.get(path)
        answer = str(response.status_code)
        if response.status_code == 405:
            answer = "P" + str(client.post(path, {}).status_code)
        if answer != expected:
            differences.append((route, f"expected {expected}", f"got {answer}"))
    assert differences == [], differences


def test_anonymous_users_are_sent_to_login(client, documents):
    for route, pattern in _routes():
        if route.startswith(("accounts/", "healthz", "i18n/")):
            continue
        view_name = getattr(pattern.callback, "__name__", "")
        response = client.get(_concrete(route, view_name, documents))
        if route.startswith("api/"):
            # The API answers 401 (problem+json); its schema and docs are public.
            public = route.startswith(("api/schema/", "api/docs/", "api/redoc/"))
            if response.status_code == 405:  # POST-only actions
                response = client.post(_concrete(route, view_name, documents), {})
            assert response.status_code == (200 if public else 401), route
            continue
        assert response.status_code in (302, 405), route


def observed_matrix_lines(client, users, documents, routes) -> list[str]:
    """The answers each role gets now, as MATRIX lines (a helper for reviewing new routes)."""
    lines = []
    for route, pattern in routes:
        answers = []
        for role in ROLES:
            client.force_login(users[role])
            path = _concrete(route, getattr(pattern.callback, "__name__", ""), documents)
            response = client.get(path)
            answer = str(response.status_code)
            if response.status_code == 405:
                answer = "P" + str(client.post(path, {}).status_code)
            answers.append(answer)
        lines.append(f'    "{route}": "{" ".join(answers)}",')
    return lines
