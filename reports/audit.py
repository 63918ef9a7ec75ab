"""The audit search: field-level history of the business records, by object type, user,
date range and field. Read-only: history is never edited or deleted in the UI."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import CreditPolicy, Customer, CustomField, PriceList, PriceRule
from finance.models import Invoice, Payment, PaymentAllocation
from inventory.models import Product
from opms.core.history import HistoryEntry, history_entries
from orders.models import (
    ApprovalReminderSettings,
    ApprovalRule,
    RoleDiscountLimit,
    SalesOrder,
    SalesOrderLine,
)

AUDITED = {
    "order": (_("Sales orders"), SalesOrder),
    "order_line": (_("Order lines"), SalesOrderLine),
    "customer": (_("Customers (credit, terms, custom fields)"), Customer),
    "price_list": (_("Price lists"), PriceList),
    "price_rule": (_("Price rules"), PriceRule),
    "credit_policy": (_("Credit policy"), CreditPolicy),
    "invoice": (_("Invoices"), Invoice),
    "payment": (_("Payments"), Payment),
    "allocation": (_("Allocations"), PaymentAllocation),
    "approval_rule": (_("Approval rules"), ApprovalRule),
    "reminder_settings": (_("Reminder timings"), ApprovalReminderSettings),
    "role_discount": (_("Discount limits of roles"), RoleDiscountLimit),
    "custom_field": (_("Custom fields"), CustomField),
    "product": (_("Products"), Product),
}
SCAN_LIMIT = 500


@dataclass(frozen=True)
class AuditQuery:
    object_type: str
    user_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    field_name: str = ""
    object_id: int | None = None


def _label(record) -> str:
    return str(getattr(record, "number", "") or getattr(record, "code", "") or "") or (
        f"#{record.id}"
    )


def audit_search(query: AuditQuery, *, limit: int = 100) -> list[HistoryEntry]:
    """The newest changes matching ``query`` (at most ``limit``; scans at most the newest
    500 history rows of the type when a field is asked for)."""
    _title, model = AUDITED[query.object_type]
    records = model.history.select_related("history_user").order_by("-history_date", "-history_id")
    if query.user_id:
        records = records.filter(history_user_id=query.user_id)
    if query.object_id:
        records = records.filter(id=query.object_id)
    zone = timezone.get_current_timezone()
    if query.date_from:
        records = records.filter(
            history_date__gte=datetime.combine(query.date_from, time.min, tzinfo=zone)
        )
    if query.date_to:
        end = datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=zone)
        records = records.filter(history_date__lt=end)
    window = records[: SCAN_LIMIT if query.field_name else limit]
    return history_entries(window, label=_label, field_name=query.field_name)[:limit]


def audited_fields(object_type: str) -> list[tuple[str, str]]:
    _title, model = AUDITED[object_type]
    return [
        (field.name, str(field.verbose_name))
        for field in model.history.model._meta.fields
        if not field.name.startswith("history_")
        and field.name in {f.name for f in model._meta.fields}
    ]
