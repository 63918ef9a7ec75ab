"""Columns of the customer list download (XLSX / CSV)."""

from django.utils.translation import gettext_lazy as _

CUSTOMER_COLUMNS = [
    (_("Customer code"), "code"),
    (_("Customer name"), "name"),
    (_("Tier"), "tier"),
    (_("Currency"), "currency"),
    (_("Payment terms (days)"), "payment_terms_days"),
    (_("Credit limit"), "credit_limit_amount"),
    (_("Receivable"), "receivable_amount"),
    (_("Open orders"), "open_order_amount"),
    (_("Sales rep"), "sales_rep"),
    (_("Contact"), "contact_name"),
    (_("Phone"), "phone"),
    (_("E-mail"), "email"),
]
