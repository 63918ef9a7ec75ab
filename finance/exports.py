"""Columns of the invoice and payment list downloads (XLSX / CSV)."""

from django.utils.translation import gettext_lazy as _

INVOICE_COLUMNS = [
    (_("Number"), "number"),
    (_("Order"), "order.number"),
    (_("Customer"), "customer.name"),
    (_("Status"), "get_status_display"),
    (_("Issued on"), "issued_on"),
    (_("Due on"), "due_on"),
    (_("Currency"), "currency"),
    (_("Total"), "total_amount"),
    (_("Allocated"), "allocated_amount"),
]

PAYMENT_COLUMNS = [
    (_("Number"), "number"),
    (_("Customer"), "customer.name"),
    (_("Received on"), "received_on"),
    (_("Method"), "get_method_display"),
    (_("Currency"), "currency"),
    (_("Amount"), "amount"),
    (_("Allocated"), "allocated_amount"),
    (_("Bank reference"), "bank_reference"),
]
