"""Every figure against a hand computation on the history of tests/reports/conftest.py."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finance.services import invoice_create, invoice_issue, payment_record
from orders.models import OrderEvent, SalesOrder
from orders.services import order_submit
from reports.selectors import dashboard_figures, report_compute, summary_age
from reports.selectors.common import ReportFilters, booked_orders
from reports.selectors.sales import churn_risk_report
from reports.services import sales_summary_refresh
from tests.conftest import stocked_product
from tests.factories import CustomerFactory


def test_history_is_what_the_expectations_assume(history):
    assert history.a.total_amount - history.a.tax_amount == Decimal("1200.00")
    assert history.b.total_amount - history.b.tax_amount == Decimal("500.00")
    assert history.c.total_amount - history.c.tax_amount == Decimal("500.00")
    assert history.d.status == SalesOrder.Status.DRAFT
    assert history.e.status == SalesOrder.Status.CANCELLED


def test_dashboard_figures_against_last_year(history):
    figures = dashboard_figures(today=history.today)
    assert figures.sales_month.value == Decimal("1700.00")
    assert figures.sales_month.previous == Decimal("500.00")
    assert figures.sales_month.change_percent == Decimal("240.0")
    assert figures.sales_year.value == Decimal("1700.00")
    assert figures.sales_year.previous == Decimal("500.00")
    assert (figures.orders_month.value, figures.orders_month.previous) == (2, 1)
    assert figures.average_order_value.value == Decimal("850.00")
    assert figures.average_order_value.previous == Decimal("500.00")
    # (1,700 − 680 − 200) / 1,700 = 48.24 %; last year (500 − 300) / 500 = 40 %
    assert figures.gross_margin_percent.value == Decimal("48.2")
    assert figures.gross_margin_percent.previous == Decimal("40.0")
    assert figures.overdue_receivable.value == Decimal("0.00")
    assert figures.dso_days.value is None


def test_sales_report_by_category_with_gross_profit(history):
    result = report_compute("sales", {"period": "this_year", "group_by": "category"})
    rows = [
        (
            row["label"],
            row["orders"],
            row["quantity"],
            row["net"],
            row["cost"],
            row["profit"],
            row["margin"],
        )
        for row in result.rows
    ]
    assert rows == [
        ("轴承", 1, 10, Decimal("1000.00"), Decimal("600.00"), Decimal("400.00"), Decimal("40.0")),
        ("密封件", 2, 14, Decimal("700.00"), Decimal("280.00"), Decimal("420.00"), Decimal("60.0")),
    ]
    figures = {str(label): value for label, value, _kind in result.figures}
    assert figures["Net sales"] == Decimal("1700.00")
    assert figures["Gross profit"] == Decimal("820.00")
    assert figures["Margin %"] == Decimal("48.2")
    assert figures["Orders"] == 2


def test_sales_report_by_customer_filters_and_drills_down(client, users, history):
    result = report_compute(
        "sales", {"period": "this_year", "group_by": "customer", "product": str(history.p2.pk)}
    )
    assert [(row["label"].split()[0], row["net"]) for row in result.rows] == [
        ("C2", Decimal("500.00")),
        (history.customer1.code, Decimal("200.00")),
    ]
    client.force_login(users["manager"])
    page = client.get(result.rows[0]["url"]).content.decode()
    assert history.b.number in page
    assert history.a.number not in page


def test_category_drill_down_lists_exactly_the_booked_orders(client, users, history):
    client.force_login(users["manager"])
    today = history.today.isoformat()
    url = (
        f"{reverse('orders:list')}?booked=true&category={history.cat2.pk}"
        f"&order_date_from={today[:4]}-01-01&order_date_to={today}"
    )
    page = client.get(url).content.decode()
    assert history.a.number in page and history.b.number in page
    for other in (history.c, history.d, history.e):
        assert other.number not in page


def test_ar_ageing_buckets_and_dso(history, users):
    finance = users["finance"]
    invoice_a = invoice_create(order_id=history.a.pk, actor=finance, basis="ordered")
    invoice_a = invoice_issue(
        invoice_id=invoice_a.pk, actor=finance, issued_on=history.today - timedelta(days=45)
    )
    payment_record(
        customer=history.customer1, amount=Decimal("356.00"), actor=finance, allocate_to=invoice_a
    )
    invoice_b = invoice_create(order_id=history.b.pk, actor=finance, basis="ordered")
    invoice_issue(invoice_id=invoice_b.pk, actor=finance)
    result = report_compute("ar-ageing", {})
    rows = {row["label"].split()[0]: row for row in result.rows}
    # A: 1,356 issued 45 days ago, due 15 days ago, 356 paid → 1,000 in 1–30 days.
    assert rows[history.customer1.code]["d1_30"] == Decimal("1000.00")
    assert rows[history.customer1.code]["current"] == Decimal("0.00")
    assert rows["C2"]["current"] == Decimal("565.00")
    figures = {str(label): value for label, value, _kind in result.figures}
    assert figures["Total open"] == Decimal("1565.00")
    assert figures["Overdue"] == Decimal("1000.00")
    # DSO = 1,565 × 90 / (1,356 + 565) = 73.32
    assert figures["DSO (days, last 90 days)"] == Decimal("73.3")
    dashboard = dashboard_figures(today=history.today)
    assert dashboard.dso_days.value == Decimal("73.3")
    assert dashboard.overdue_receivable.value == Decimal("1000.00")


def test_customer_contribution_abc(history, users):
    live = report_compute(
        "customer-contribution", {"period": "this_year", "sales_rep": str(users["sales"].pk)}
    )
    result = report_compute("customer-contribution", {"period": "this_year"})
    assert [(row["net"], row["abc"], row["rfm"]) for row in live.rows] == [
        (row["net"], row["abc"], row["rfm"]) for row in result.rows
    ]
    assert [
        (row["label"].split()[0], row["net"], row["cumulative"], row["abc"]) for row in result.rows
    ] == [
        (history.customer1.code, Decimal("1200.00"), Decimal("70.6"), "A"),
        ("C2", Decimal("500.00"), Decimal("100.0"), "C"),
    ]


def test_slow_stock_lists_products_without_sales(history):
    result = report_compute("slow-stock", {"days": "30"})
    assert [(row["label"].split()[0], row["on_hand"], row["value"]) for row in result.rows] == [
        (history.p3.sku, 20, Decimal("1200.00"))
    ]


def test_churn_risk_against_the_usual_interval(history, users, make_order):
    today = history.today
    quiet = history.customer2
    for days in (100, 90, 80):
        order = make_order([(history.p2, 1)], customer_=quiet)
        SalesOrder.objects.filter(pk=order.pk).update(
            order_date=today - timedelta(days=days), status=SalesOrder.Status.APPROVED
        )
    SalesOrder.objects.filter(pk=history.b.pk).update(order_date=today - timedelta(days=80))
    live = churn_risk_report(ReportFilters(date_to=today, factor=Decimal("2"), team_id=-1))
    assert live.rows == []  # (a filter the summary lacks reads live: no team −1)
    sales_summary_refresh()
    # customer 2: four orders from day −100 to −80: interval 20/3 = 6.7 days, silent 80 days.
    # customer 1: orders a year ago and today: interval 365 days, silent 0 → not at risk.
    result = churn_risk_report(ReportFilters(date_to=today, factor=Decimal("2")))
    assert [(row["label"].split()[0], row["orders"], row["since"]) for row in result.rows] == [
        ("C2", 4, 80)
    ]
    assert result.rows[0]["interval"].quantize(Decimal("0.1")) == Decimal("6.7")
    live = churn_risk_report(
        ReportFilters(date_to=today, factor=Decimal("2"), sales_rep_id=users["sales"].pk)
    )
    assert [(row["orders"], row["since"]) for row in live.rows] == [(4, 80)]


def test_cycle_times_median_and_p90_from_the_timeline(history):
    base = history.a.created_at
    # entry → approval: A 2 h, B 4 h, C 10 h → median (nearest rank) 4 h, p90 10 h.
    for order, hours in ((history.a, 2), (history.b, 4), (history.c, 10)):
        SalesOrder.objects.filter(pk=order.pk).update(created_at=base)
        OrderEvent.objects.filter(order=order, to_status=SalesOrder.Status.APPROVED).update(
            created_at=base + timedelta(hours=hours)
        )
    result = report_compute("cycle-times", {"period": "custom"})
    first = result.rows[0]
    assert (first["orders"], first["median"], first["p90"]) == (3, 4.0, 10.0)
    assert result.rows[1]["orders"] == 0


def test_report_queries_do_not_grow_with_data(client, users, history, make_order, warehouse):
    client.force_login(users["manager"])
    urls = [reverse("reports:dashboard")] + [
        reverse("reports:detail", args=[slug])
        for slug in (
            "sales",
            "ar-ageing",
            "cycle-times",
            "customer-contribution",
            "slow-stock",
            "churn-risk",
            "complaints",
        )
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    counts()  # the first request also loads the session and caches the alert count
    before = counts()
    for _ in range(3):
        product = stocked_product(warehouse, 50)
        order = make_order([(product, 2), (history.p1, 1)], customer_=CustomerFactory())
        order_submit(order_id=order.pk, actor=users["sales"])
    sales_summary_refresh()
    assert counts() == before


def test_booked_orders_exclude_drafts_and_cancelled(history):
    assert set(booked_orders().values_list("pk", flat=True)) == {
        history.a.pk,
        history.b.pk,
        history.c.pk,
    }


def test_exports_are_xlsx_and_pdf_with_formula_cells_escaped(client, users, history):
    from io import BytesIO

    from openpyxl import load_workbook

    history.customer2.name = "=HYPERLINK(1)"
    history.customer2.save()
    sales_summary_refresh()
    client.force_login(users["manager"])
    url = reverse("reports:detail", args=["sales"])
    xlsx = client.get(url, {"period": "this_year", "group_by": "customer", "export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "C2 =HYPERLINK(1)" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    pdf = client.get(url, {"period": "this_year", "export": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_reports_are_refused_to_sales(client, users):
    client.force_login(users["sales"])
    assert client.get(reverse("reports:detail", args=["sales"])).status_code == 403
    assert client.get(reverse("reports:alerts")).status_code == 403


def test_summaries_pick_up_new_orders_when_refreshed_and_twice_is_the_same(
    history, users, make_order
):
    from reports.models import DailyCategorySales, DailySales

    def snapshot():
        return (
            sorted(DailySales.objects.values_list("day", "orders", "net_amount", "cost_amount")),
            sorted(
                DailyCategorySales.objects.values_list("day", "category_id", "orders", "net_amount")
            ),
        )

    first = snapshot()
    sales_summary_refresh(since=history.today)
    assert snapshot() == first
    order = make_order([(history.p1, 1)])
    order_submit(order_id=order.pk, actor=users["sales"])
    assert dashboard_figures(today=history.today).sales_month.value == Decimal("1700.00")
    sales_summary_refresh(since=history.today)
    assert dashboard_figures(today=history.today).sales_month.value == Decimal("1800.00")
    # Last year's rows were outside the refreshed span and stay as they were.
    assert dashboard_figures(today=history.today).sales_year.previous == Decimal("500.00")


def test_dashboard_shows_top_lists_and_the_data_age(client, users, history):
    client.force_login(users["manager"])
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="summary-age"' in page and "Sales figures as of" in page
    assert "¥1,200.00" in page  # customer 1 this year
    assert "轴承" in page and "密封件" in page


def test_complaint_rates_per_customer(history, users):
    from customers.services import complaint_log

    for title in ("异响", "包装破损"):
        complaint_log(
            customer=history.customer2, actor=users["sales"], title=title, category="quality"
        )
    result = report_compute("complaints", {"period": "this_year"})
    # customer 2: 2 complaints on 1 order → 200 per 100 orders; customer 1: 0 on 1 order.
    assert [
        (row["label"].split()[0], row["orders"], row["complaints"], row["rate"])
        for row in result.rows
    ] == [
        ("C2", 1, 2, Decimal("200.0")),
        (history.customer1.code, 1, 0, Decimal("0.0")),
    ]
    figures = {str(label): value for label, value, _kind in result.figures}
    assert figures["Complaints per 100 orders"] == Decimal("100.0")


def test_sales_report_by_month_reads_the_summary_with_the_same_figures(history):
    by_month = report_compute("sales", {"period": "this_year", "group_by": "month"})
    assert by_month.computed_at == summary_age().refreshed_at
    assert [(row["orders"], row["quantity"], row["net"], row["cost"]) for row in by_month.rows] == [
        (2, 24, Decimal("1700.00"), Decimal("880.00"))
    ]
    live = report_compute(
        "sales",
        {"period": "this_year", "group_by": "month", "customer": str(history.customer1.pk)},
    )
    assert [(row["orders"], row["net"]) for row in live.rows] == [(1, Decimal("1200.00"))]


def test_sales_by_customer_and_product_from_monthly_summaries_match_the_lines(history):
    for group in ("customer", "product"):
        summary = report_compute("sales", {"period": "this_year", "group_by": group})
        assert summary.computed_at == summary_age().refreshed_at
        live = report_compute(
            "sales",
            {"period": "this_year", "group_by": group, "warehouse": str(history.a.warehouse_id)},
        )
        assert live.computed_at != summary.computed_at
        fields = ("label", "orders", "quantity", "net", "cost", "profit", "margin")
        assert [tuple(row[f] for f in fields) for row in summary.rows] == [
            tuple(row[f] for f in fields) for row in live.rows
        ]
        assert summary.figures == live.figures
    by_customer = report_compute("sales", {"period": "this_year", "group_by": "customer"})
    assert [(row["label"].split()[0], row["net"], row["cost"]) for row in by_customer.rows] == [
        (history.customer1.code, Decimal("1200.00"), Decimal("680.00")),
        ("C2", Decimal("500.00"), Decimal("200.00")),
    ]
