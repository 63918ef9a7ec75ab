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
from finance.services import invoice_create, payment_record
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
    "orders/approvals/": "403 200 403 403 200 200 200",
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
    "finance/invoices/<int:pk>/issue/": "P403 P403 P403 P403 P302 P403 P302",
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
    return {
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


def _concrete(route: str, view_name: str, documents: dict) -> str:
    """Fill <int:pk> / <int:order_pk> with the id of a document of the kind the route names."""
    path = route
    if "<int:" in route:
        kind = next((k for prefix, k in ROUTE_KINDS if route.startswith(prefix)), None)
        assert kind, f"add the prefix of {route} to ROUTE_KINDS"
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


def test_every_route_is_in_the_permission_matrix():
    routes = {route for route, _ in _walk(get_resolver().url_patterns)}
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert missing == [], f"add these routes to MATRIX with each role's answer: {missing}"
    assert stale == [], f"these MATRIX routes no longer exist: {stale}"
    unfillable = [
        route
        for route, _ in _walk(get_resolver().url_patterns)
        if "<" in route.replace("<int:pk>", "").replace("<int:order_pk>", "")
    ]
    assert unfillable == [], f"teach _concrete() to fill the parameters of {unfillable}"


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
        assert response.status_code in (302, 405), route
