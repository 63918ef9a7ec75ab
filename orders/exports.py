"""Columns of the order and shipment list downloads (XLSX / CSV)."""

from django.utils.translation import gettext_lazy as _

ORDER_COLUMNS = [
    (_("Number"), "number"),
    (_("External order number"), "external_id"),
    (_("Customer code"), "customer.code"),
    (_("Customer"), "customer.name"),
    (_("Status"), "get_status_display"),
    (_("Order date"), "order_date"),
    (_("Currency"), "currency"),
    (_("Total"), "total_amount"),
    (_("Invoiced"), "invoiced_amount"),
    (_("Paid"), "paid_amount"),
    (_("Sales rep"), "sales_rep"),
    (_("Customer PO number"), "customer_reference"),
    (_("Created"), "created_at"),
]

SHIPMENT_COLUMNS = [
    (_("Number"), "number"),
    (_("Order"), "order.number"),
    (_("Customer"), "order.customer.name"),
    (_("Warehouse"), "warehouse.name"),
    (_("Carrier"), "carrier.name"),
    (_("Tracking number"), "tracking_number"),
    (_("Status"), "get_status_display"),
    (_("Created"), "created_at"),
    (_("Shipped at"), "confirmed_at"),
]
