"""HTTP behaviour of the order screens: entry, list, detail, approvals, shipments."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from orders.models import SalesOrder, SalesOrderLine
from orders.services import order_approve, order_submit
from tests.factories import TeamFactory, UserFactory


def _line_post(customer, warehouse, lines, **extra):
    data = {
        "customer": customer.pk,
        "warehouse": warehouse.pk,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, (sku, quantity) in enumerate(lines):
        data[f"lines-{index}-product"] = sku
        data[f"lines-{index}-quantity"] = str(quantity)
    data.update(extra)
    return data


def test_sales_enters_and_submits_an_order(client, users, customer, warehouse, products):
    client.force_login(users["sales"])
    data = _line_post(
        customer,
        warehouse,
        [(products[0].sku, 100), (products[1].sku, 50), (products[2].sku, 20)],
        submit="1",
    )
    response = client.post(reverse("orders:create"), data)
    order = SalesOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.pk])
    assert order.status == SalesOrder.Status.PENDING_APPROVAL
    assert order.lines.count() == 3
    assert order.sales_rep == users["sales"]


def test_entering_an_order_reads_its_products_in_one_query_whatever_the_line_count(
    client, users, customer, warehouse, products
):
    client.force_login(users["sales"])
    counts = []
    for lines in ([(products[0].sku, 1)], [(p.sku.lower(), 1) for p in products]):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("orders:create"), _line_post(customer, warehouse, lines))
        assert response.status_code == 302
        counts.append(
            len([q for q in captured.captured_queries if '"inventory_product"' in q["sql"]])
        )
    # One read of the typed SKUs (any case) and one with the categories for pricing.
    assert counts == [2, 2]
    assert SalesOrder.objects.order_by("pk").last().lines.count() == len(products)


def test_unknown_product_is_refused_with_a_message_and_nothing_is_written(
    client, users, customer, warehouse, products
):
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:create"), _line_post(customer, warehouse, [("NOPE-1", 3)], save="1")
    )
    assert response.status_code == 422
    assert "NOPE-1" in response.content.decode()
    assert SalesOrder.objects.count() == 0


def test_short_stock_is_submitted_with_a_backorder_that_sales_sees(
    client, users, customer, warehouse, products
):
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[2].sku, 21)], submit="1"),
    )
    order = SalesOrder.objects.get()
    assert response.status_code == 302
    assert order.status == SalesOrder.Status.APPROVED
    line = order.lines.get()
    assert (line.reservations.get().quantity, line.quantity_backordered) == (20, 1)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="line-backordered"><span class="badge text-bg-warning">1</span>' in page
    assert 'data-testid="backorder-panel"' in page


def test_a_priority_order_is_marked_from_the_form_and_shown(
    client, users, customer, warehouse, products
):
    client.force_login(users["sales"])
    data = _line_post(customer, warehouse, [(products[0].sku, 3)], save="1")
    data["is_priority"] = "on"
    response = client.post(reverse("orders:create"), data)
    order = SalesOrder.objects.get()
    assert response.status_code == 302 and order.is_priority
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="priority"' in page
    data = _line_post(customer, warehouse, [(products[0].sku, 3)], save="1")
    data["version"] = order.version
    client.post(reverse("orders:edit", args=[order.pk]), data)
    order.refresh_from_db()
    assert not order.is_priority  # unticked on the form: no longer a priority


def test_line_table_recalculates_without_replacing_inputs(
    client, users, customer, warehouse, products
):
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[0].sku, 3)]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="order-form",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="line-0-amount" hx-swap-oob="true"' in body
    assert "¥960.00" in body  # 3 × 320.00
    assert "<input" not in body
    assert 'id="customer-credit" class="small" hx-swap-oob="true"' in body
    assert "30 days" in body


def test_adding_a_line_renders_one_more_row(client, users, customer, warehouse, products):
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[0].sku, 3)], add_line="1"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="order-lines",
    )
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="line-row"') == 2


def test_order_list_query_count_does_not_grow_with_rows(
    client, users, products, make_order, django_assert_max_num_queries
):
    client.force_login(users["manager"])
    make_order([(products[0], 1)])
    make_order([(products[1], 1)])
    with django_assert_max_num_queries(8) as few:
        assert client.get(reverse("orders:list")).status_code == 200
    for _ in range(10):
        make_order([(products[1], 1)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("orders:list")).status_code == 200


def test_a_list_filtered_by_order_date_is_sorted_by_order_date_unless_asked_otherwise(
    client, users, products, make_order, django_assert_num_queries
):
    from datetime import date

    older = make_order([(products[0], 1)])
    newer = make_order([(products[0], 1)])
    # Entered later but dated earlier (a backdated order).
    SalesOrder.objects.filter(pk=newer.pk).update(order_date=date(2026, 1, 5))
    SalesOrder.objects.filter(pk=older.pk).update(order_date=date(2026, 1, 9))
    client.force_login(users["manager"])
    url = reverse("orders:list")
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url, {"order_date_to": "2026-01-31"})
    assert response.context["sort"] == "-date"
    assert [o.pk for o in response.context["page"].items] == [older.pk, newer.pk]
    entered = client.get(url, {"order_date_to": "2026-01-31", "sort": "created"})
    assert [o.pk for o in entered.context["page"].items] == [newer.pk, older.pk]
    assert client.get(url).context["sort"] == "created"


def test_order_detail_query_count_does_not_grow_with_lines(
    client, users, products, make_order, django_assert_max_num_queries
):
    client.force_login(users["manager"])
    small = make_order([(products[0], 1)])
    big = make_order([(products[0], 1), (products[1], 2), (products[2], 3)] * 3)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("orders:detail", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("orders:detail", args=[big.pk])).status_code == 200


def test_approver_approves_in_the_list_with_htmx(client, users, products, make_order):
    order = make_order([(products[0], 100), (products[2], 20)])
    order_submit(order_id=order.pk, actor=users["sales"])
    client.force_login(users["approver"])
    page = client.get(reverse("orders:approvals"))
    assert order.number in page.content.decode()
    response = client.post(
        reverse("orders:approve", args=[order.pk]),
        {"comment": "同意", "version": order.version + 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"order-changed": true}'
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED


def test_stale_page_gets_the_changed_by_someone_else_message(client, users, products, make_order):
    order = make_order([(products[0], 100), (products[2], 20)])
    submitted = order_submit(order_id=order.pk, actor=users["sales"])
    stale_version = submitted.version
    order_approve(order_id=order.pk, actor=users["manager"], comment="ok")
    client.force_login(users["approver"])
    response = client.post(
        reverse("orders:approve", args=[order.pk]), {"comment": "", "version": stale_version}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()


def test_warehouse_cannot_approve_and_gets_403(client, users, products, make_order):
    order = make_order([(products[0], 100), (products[2], 20)])
    order_submit(order_id=order.pk, actor=users["sales"])
    client.force_login(users["warehouse"])
    response = client.post(reverse("orders:approve", args=[order.pk]), {"comment": "x"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.PENDING_APPROVAL


def test_sales_of_another_team_gets_404_for_the_order(client, users, products, make_order):
    team = TeamFactory(name="华东一部")
    users["sales"].team = team
    users["sales"].save()
    order = make_order([(products[0], 1)])
    other = UserFactory(username="sales2", roles=["sales"], team=TeamFactory(name="华南部"))
    client.force_login(other)
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 404
    assert order.number not in client.get(reverse("orders:list")).content.decode()


@pytest.mark.parametrize("quantity", ["-1", "abc", "999"])
def test_bad_shipment_quantities_are_refused(client, users, products, make_order, quantity):
    order = make_order([(products[1], 5)])
    order_submit(order_id=order.pk, actor=users["sales"])
    line = order.lines.get()
    client.force_login(users["warehouse"])
    response = client.post(reverse("orders:ship", args=[order.pk]), {f"ship-{line.pk}": quantity})
    assert response.status_code == 422
    assert order.shipments.count() == 0


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_money_is_shown_in_the_locale_format(client, users, products, make_order):
    make_order([(products[0], 10000)], unit_price=Decimal("1234.5"))
    client.force_login(users["manager"])
    body = client.get(reverse("orders:list")).content.decode()
    assert "¥13,949,850.00" in body


def test_healthz_answers_503_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_order_form_warns_when_the_order_goes_over_the_credit_limit(
    client, users, customer, warehouse, products
):
    customer.credit_limit_amount = Decimal("500.00")
    customer.save()
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[0].sku, 3)]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="order-form",
    )
    body = response.content.decode()
    assert "¥500.00" in body
    assert "will need an approval" in body


def test_ids_in_forms_are_never_rendered_with_thousand_separators(
    client, users, products, make_order
):
    order = make_order([(products[1], 5)])
    SalesOrderLine.objects.filter(order=order).update(id=12345)
    order_submit(order_id=order.pk, actor=users["sales"])
    client.force_login(users["warehouse"])
    with translation.override("zh-hans"):
        body = client.get(reverse("orders:ship", args=[order.pk])).content.decode()
    assert 'name="ship-12345"' in body
    response = client.post(reverse("orders:ship", args=[order.pk]), {"ship-12345": "5"})
    assert response.status_code == 302
