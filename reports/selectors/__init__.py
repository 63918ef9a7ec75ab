"""Report and dashboard reads; they call other apps' selectors and models, never write."""

from reports.selectors.alerts import (
    alert_count_for,
    alert_count_forget,
    alert_settings_get,
    alerts_for,
)
from reports.selectors.catalogue import REPORTS, report_compute, report_get
from reports.selectors.common import ReportFilters, ReportResult, orders_url
from reports.selectors.customer360 import (
    customer_figures,
    customer_invoices,
    customer_open_orders,
    customer_payments,
    customer_receivables_by_age,
    manager_kpis,
    order_trend,
    top_customers,
)
from reports.selectors.dashboard import (
    dashboard_figures,
    order_trend_buckets,
    sales_by_category,
    summary_age,
    top_customers_by_sales,
    top_products_by_sales,
)
from reports.selectors.roles import (
    finance_figures,
    sales_dashboard,
    subscription_runs,
    subscriptions_of,
    warehouse_figures,
)

__all__ = [
    "REPORTS",
    "ReportFilters",
    "ReportResult",
    "alert_count_for",
    "alert_count_forget",
    "alert_settings_get",
    "alerts_for",
    "customer_figures",
    "customer_invoices",
    "customer_open_orders",
    "customer_payments",
    "customer_receivables_by_age",
    "dashboard_figures",
    "finance_figures",
    "warehouse_figures",
    "manager_kpis",
    "order_trend",
    "order_trend_buckets",
    "orders_url",
    "report_compute",
    "report_get",
    "sales_by_category",
    "sales_dashboard",
    "subscription_runs",
    "subscriptions_of",
    "summary_age",
    "top_customers",
    "top_customers_by_sales",
    "top_products_by_sales",
]
