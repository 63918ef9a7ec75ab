"""URLs of invoices, payments, allocations and the finance work queue."""

from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("", views.to_reconcile_view, name="to_reconcile"),
    path("credit/", views.credit_view, name="credit"),
    path("invoices/", views.invoice_list_view, name="invoices"),
    path("invoices/new/<int:order_pk>/", views.invoice_create_view, name="invoice_create"),
    path("invoices/<int:pk>/", views.invoice_detail_view, name="invoice"),
    path("invoices/<int:pk>/issue/", views.invoice_issue_view, name="invoice_issue"),
    path("invoices/<int:pk>/void/", views.invoice_void_view, name="invoice_void"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("payments/", views.payment_list_view, name="payments"),
    path("payments/new/", views.payment_create_view, name="payment_create"),
    path("payments/<int:pk>/", views.payment_detail_view, name="payment"),
    path("payments/<int:pk>/allocate/", views.payment_allocate_view, name="payment_allocate"),
    path("orders/<int:order_pk>/billing/", views.order_billing_view, name="order_billing"),
]
