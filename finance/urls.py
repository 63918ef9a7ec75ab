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
    path("statements/", views.statement_import_view, name="statements"),
    path("statements/<int:pk>/", views.statement_detail_view, name="statement"),
    path("workbench/", views.workbench_view, name="workbench"),
    path("workbench/<int:pk>/", views.workbench_line_view, name="workbench_line"),
    path("workbench/<int:pk>/accept/", views.workbench_accept_view, name="workbench_accept"),
    path("workbench/<int:pk>/post/", views.workbench_post_view, name="workbench_post"),
    path("workbench/<int:pk>/ignore/", views.workbench_ignore_view, name="workbench_ignore"),
    path(
        "allocations/<str:kind>/<int:pk>/reverse/",
        views.allocation_reverse_view,
        name="allocation_reverse",
    ),
    path(
        "invoices/<int:pk>/apply-credit/",
        views.invoice_apply_credit_view,
        name="invoice_apply_credit",
    ),
    path("credit-notes/", views.credit_note_list_view, name="credit_notes"),
    path(
        "credit-notes/new/<int:invoice_pk>/",
        views.credit_note_create_view,
        name="credit_note_create",
    ),
    path("credit-notes/<int:pk>/", views.credit_note_detail_view, name="credit_note"),
    path("receivables/", views.receivables_view, name="receivables"),
    path("receivables/invoices/", views.ageing_invoices_view, name="ageing_invoices"),
    path(
        "customers/<int:customer_pk>/statement.pdf",
        views.customer_statement_pdf_view,
        name="customer_statement_pdf",
    ),
    path("email/<str:kind>/<int:pk>/", views.document_email_view, name="document_email"),
]
