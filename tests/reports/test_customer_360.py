"""The customer page: figures, ageing, complaints, interaction log; scoping by team."""

from decimal import Decimal

from django.urls import reverse

from customers.models import Complaint
from finance.services import invoice_create, invoice_issue, payment_record
from orders.services import order_submit, shipment_create
from tests.factories import CustomerFactory, TeamFactory, UserFactory


def test_customer_page_shows_figures_money_and_logs(
    client, users, customer, products, make_order, django_assert_max_num_queries
):
    order = make_order([(products[1], 10)])
    order_submit(order_id=order.pk, actor=users["sales"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    invoice = invoice_issue(invoice_id=invoice.pk, actor=users["finance"])
    payment_record(
        customer=customer, amount=Decimal("100.00"), actor=users["finance"], allocate_to=invoice
    )
    client.force_login(users["manager"])
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reports:customer", args=[customer.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert order.number in body
    assert invoice.number in body
    assert "¥401.15" in body  # lifetime revenue = the issued invoice
    assert "¥301.15" in body  # still open, not yet due


def test_sales_logs_and_resolves_a_complaint(client, users, customer):
    client.force_login(users["sales"])
    customer.sales_rep = users["sales"]
    customer.save()
    response = client.post(
        reverse("customers:complaint_create", args=[customer.pk]),
        {
            "title": "轴承异响",
            "category": "quality",
            "severity": "high",
            "order_reference": "SO-2026-000001",
            "description": "客户反馈批次异响",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.created_by) == (Complaint.Status.OPEN, users["sales"])
    refused = client.post(
        reverse("customers:complaint_advance", args=[complaint.pk]), {"status": "resolved"}
    )
    assert refused.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
    client.post(
        reverse("customers:complaint_advance", args=[complaint.pk]),
        {"status": "resolved", "resolution": "更换批次"},
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == (Complaint.Status.RESOLVED, "更换批次")
    page = client.get(reverse("reports:customer", args=[customer.pk])).content.decode()
    assert "轴承异响" in page and "更换批次" in page


def test_interaction_log_needs_a_note(client, users, customer):
    client.force_login(users["manager"])
    client.post(reverse("customers:interaction_create", args=[customer.pk]), {"kind": "call"})
    assert customer.interactions.count() == 0
    client.post(
        reverse("customers:interaction_create", args=[customer.pk]),
        {"kind": "call", "note": "确认下周交货"},
    )
    assert customer.interactions.get().note == "确认下周交货"


def test_sales_scope_limits_customers_and_orders(client, users, products, make_order):
    east, south = TeamFactory(name="华东一部"), TeamFactory(name="华南部")
    mine = CustomerFactory(team=east)
    theirs = CustomerFactory(team=south)
    colleague = UserFactory(username="colleague", roles=["sales"], team=east)
    own_only = UserFactory(username="loner", roles=["sales"], team=east, sales_scope="own")
    users["sales"].team = east
    users["sales"].save()
    ours = make_order([(products[1], 1)], customer_=mine, actor=colleague)
    southerner = UserFactory(username="southerner", roles=["sales"], team=south)
    other = make_order([(products[1], 1)], customer_=theirs, actor=southerner)

    client.force_login(users["sales"])
    listing = client.get(reverse("customers:list")).content.decode()
    assert mine.code in listing and theirs.code not in listing
    assert client.get(reverse("reports:customer", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("orders:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("orders:detail", args=[other.pk])).status_code == 404
    form = client.get(reverse("orders:create")).content.decode()
    assert mine.code in form and theirs.code not in form

    client.force_login(own_only)
    assert client.get(reverse("orders:detail", args=[ours.pk])).status_code == 404
    assert client.get(reverse("reports:customer", args=[mine.pk])).status_code == 404

    client.force_login(users["manager"])
    assert client.get(reverse("orders:detail", args=[other.pk])).status_code == 200


def test_sales_of_another_team_sees_none_of_its_shipments_or_invoices(
    client, users, products, make_order
):
    east, south = TeamFactory(name="华东一部"), TeamFactory(name="华南部")
    users["sales"].team = east
    users["sales"].save()
    southerner = UserFactory(username="southerner", roles=["sales"], team=south)
    theirs = CustomerFactory(team=south, sales_rep=southerner)
    order = make_order([(products[1], 2)], customer_=theirs, actor=southerner)
    order_submit(order_id=order.pk, actor=southerner)
    line = order.lines.get()
    shipment = shipment_create(order_id=order.pk, actor=users["warehouse"], quantities={line.pk: 2})
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")

    client.force_login(users["sales"])
    assert client.get(reverse("orders:shipment", args=[shipment.pk])).status_code == 404
    assert client.get(reverse("finance:invoice", args=[invoice.pk])).status_code == 404
    assert shipment.number not in client.get(reverse("orders:shipments")).content.decode()
    assert invoice.number not in client.get(reverse("finance:invoices")).content.decode()

    client.force_login(southerner)
    assert client.get(reverse("orders:shipment", args=[shipment.pk])).status_code == 200
    assert invoice.number in client.get(reverse("finance:invoices")).content.decode()
