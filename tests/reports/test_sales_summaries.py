"""The summary-backed sales report by rep, team and warehouse equals a direct aggregate over
the orders; long tables show their first rows with totals over all of them."""

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.urls import reverse

from orders.models import SalesOrder, SalesOrderLine
from orders.services import order_submit
from reports.models import DailyRepSales, SalesSummaryRun
from reports.selectors import report_compute, summary_age
from reports.selectors.common import NOT_BOOKED
from reports.services import sales_summary_refresh
from tests.factories import CustomerFactory, TeamFactory, UserFactory, WarehouseFactory

FIELDS = ("label", "orders", "quantity", "net", "cost", "profit", "margin")


def _second_rep_team_and_warehouse(history, users, make_order):
    """Order F of another rep, team and warehouse (3 × P2 = 150 net, cost 60)."""
    team = TeamFactory(name="华东")
    rep = UserFactory(username="rep-b", roles=["sales"], team=team)
    north = WarehouseFactory(code="BJ", name="北京仓")
    order = make_order([(history.p2, 3)], customer_=CustomerFactory(code="C3", sales_rep=rep))
    order = order_submit(order_id=order.pk, actor=users["sales"])
    SalesOrder.objects.filter(pk=order.pk).update(sales_rep=rep, team=team, warehouse=north)
    return rep, team, north


def _direct(group_field: str, today) -> dict:
    """Net, units, orders and cost of the booked lines this year per order field, from the
    orders themselves."""
    rows = (
        SalesOrderLine.objects.exclude(order__status__in=NOT_BOOKED)
        .filter(order__order_date__year=today.year)
        .values(f"order__{group_field}")
        .annotate(
            n=Count("order_id", distinct=True),
            units=Sum("quantity"),
            net=Sum("net_amount"),
            cost=Sum(F("quantity") * F("product__cost_amount")),
        )
    )
    return {
        row[f"order__{group_field}"]: (row["n"], row["units"], row["net"], row["cost"])
        for row in rows
    }


def test_sales_by_rep_team_and_warehouse_from_the_summary_equal_the_orders(
    history, users, make_order
):
    rep, team, north = _second_rep_team_and_warehouse(history, users, make_order)
    sales_summary_refresh()
    assert DailyRepSales.objects.count() == 3  # (today, sales), (today, rep-b), (last year)
    for group, field in (("sales_rep", "sales_rep_id"), ("team", "team_id")):
        result = report_compute("sales", {"period": "this_year", "group_by": group})
        assert result.computed_at == summary_age().refreshed_at
        direct = _direct(field, history.today)
        assert {
            (row["orders"], row["quantity"], row["net"], row["cost"]) for row in result.rows
        } == set(direct.values())
    by_warehouse = report_compute("sales", {"period": "this_year", "group_by": "warehouse"})
    assert [(row["label"], row["orders"], row["net"]) for row in by_warehouse.rows] == [
        ("上海仓", 2, Decimal("1700.00")),
        ("北京仓", 1, Decimal("150.00")),
    ]
    by_rep = report_compute("sales", {"period": "this_year", "group_by": "sales_rep"})
    assert [(row["label"], row["net"], row["cost"]) for row in by_rep.rows] == [
        ("sales", Decimal("1700.00"), Decimal("880.00")),
        ("rep-b", Decimal("150.00"), Decimal("60.00")),
    ]
    figures = {str(label): value for label, value, _kind in by_rep.figures}
    assert (figures["Net sales"], figures["Orders"]) == (Decimal("1850.00"), 3)
    # One rep's months and the team's warehouses read the same summary.
    months = report_compute(
        "sales", {"period": "this_year", "group_by": "month", "sales_rep": str(rep.pk)}
    )
    assert [(row["orders"], row["net"]) for row in months.rows] == [(1, Decimal("150.00"))]
    assert months.computed_at == summary_age().refreshed_at


def test_every_summary_grouping_equals_the_live_aggregate(history, users, make_order):
    rep, team, north = _second_rep_team_and_warehouse(history, users, make_order)
    sales_summary_refresh()
    cases = [
        {"group_by": "sales_rep"},
        {"group_by": "team"},
        {"group_by": "warehouse"},
        {"group_by": "customer"},
        {"group_by": "month", "team": str(team.pk)},
        {"group_by": "day", "warehouse": str(north.pk)},
        {"group_by": "sales_rep", "team": str(team.pk), "period": "last_year"},
    ]
    from_summaries = []
    for case in cases:
        result = report_compute("sales", {"period": "this_year", **case})
        assert result.computed_at == summary_age().refreshed_at, case
        from_summaries.append(result)
    SalesSummaryRun.objects.all().delete()  # no summary: every report reads the orders
    for case, summary in zip(cases, from_summaries, strict=True):
        live = report_compute("sales", {"period": "this_year", **case})
        assert live.computed_at != summary.computed_at
        assert [tuple(row[f] for f in FIELDS) for row in summary.rows] == [
            tuple(row[f] for f in FIELDS) for row in live.rows
        ], case
        assert summary.figures == live.figures, case


def test_a_refresh_of_recent_days_rebuilds_the_rep_rows_the_same(history, users, make_order):
    _second_rep_team_and_warehouse(history, users, make_order)
    sales_summary_refresh()

    def snapshot():
        return sorted(
            DailyRepSales.objects.values_list(
                "day", "sales_rep_id", "team_id", "warehouse_id", "orders", "net_amount"
            )
        )

    first = snapshot()
    sales_summary_refresh(since=history.today)
    assert snapshot() == first


def test_sales_by_rep_reads_a_fixed_number_of_queries(
    history, users, make_order, django_assert_num_queries
):
    _second_rep_team_and_warehouse(history, users, make_order)
    sales_summary_refresh()
    # the summary's age, the rows, the totals
    with django_assert_num_queries(3):
        result = report_compute("sales", {"period": "this_year", "group_by": "sales_rep"})
    assert len(result.rows) == 2


def test_a_long_table_shows_its_first_rows_and_totals_over_all(
    client, users, history, django_assert_num_queries
):
    with django_assert_num_queries(3):  # summary age, first rows, totals with the row count
        first = report_compute(
            "sales", {"period": "this_year", "group_by": "customer"}, row_limit=1
        )
    assert [(row["label"].split()[0], row["net"]) for row in first.rows] == [
        (history.customer1.code, Decimal("1200.00"))
    ]
    assert (first.row_count, first.is_cut) == (2, True)
    figures = {str(label): value for label, value, _kind in first.figures}
    assert (figures["Net sales"], figures["Orders"]) == (Decimal("1700.00"), 2)
    every = report_compute("sales", {"period": "this_year", "group_by": "customer"})
    assert (len(every.rows), every.is_cut) == (2, False)
    client.force_login(users["manager"])
    page = client.get(
        reverse("reports:detail", args=["sales"]), {"period": "this_year", "group_by": "customer"}
    ).content.decode()
    assert 'data-testid="rows-cut"' not in page


def test_a_year_by_customer_reads_the_yearly_rows_with_the_live_figures(
    history, users, make_order, django_assert_num_queries
):
    from reports.models import YearlyCustomerSales

    _second_rep_team_and_warehouse(history, users, make_order)
    sales_summary_refresh()
    this_year = history.today.replace(month=1, day=1)
    assert sorted(
        YearlyCustomerSales.objects.filter(year=this_year).values_list("orders", "net_amount")
    ) == [(1, Decimal("150.00")), (1, Decimal("500.00")), (1, Decimal("1200.00"))]
    periods = ["this_year", "last_year"]
    with django_assert_num_queries(3):  # summary age, rows, totals with the row count
        report_compute("sales", {"period": "this_year", "group_by": "customer"}, row_limit=100)
    from_summaries = [
        report_compute("sales", {"period": period, "group_by": "customer"}) for period in periods
    ]
    SalesSummaryRun.objects.all().delete()
    for period, summary in zip(periods, from_summaries, strict=True):
        live = report_compute("sales", {"period": period, "group_by": "customer"})
        assert live.computed_at != summary.computed_at
        assert [tuple(row[f] for f in FIELDS) for row in summary.rows] == [
            tuple(row[f] for f in FIELDS) for row in live.rows
        ], period
        assert summary.figures == live.figures, period


def test_the_dashboard_ranks_the_year_to_date_from_the_yearly_rows(history):
    from reports.models import YearlyCustomerSales
    from reports.selectors import top_customers_by_sales

    year_start = history.today.replace(month=1, day=1)
    top = top_customers_by_sales(date_from=year_start, date_to=history.today)
    assert [(row["label"].split()[0], row["n"], row["value"]) for row in top] == [
        (history.customer1.code, 1, Decimal("1200.00")),
        ("C2", 1, Decimal("500.00")),
    ]
    YearlyCustomerSales.objects.all().delete()
    assert top_customers_by_sales(date_from=year_start, date_to=history.today) == []
