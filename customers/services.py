"""Writes to customers: creation, exposure figures, complaints and the interaction log."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from customers.credit import (
    credit_alert_lines,
    credit_alert_reached,
    credit_exposure,
    credit_limit_for,
    credit_policy_get,
)
from customers.errors import ComplaintStatusNotAllowed, CustomFieldNameClash, ResolutionRequired
from customers.models import Complaint, CreditAlert, Customer, CustomField, Interaction, PriceRule
from customers.tasks import credit_alert_notify_task
from opms.core.money import ZERO
from opms.core.queue import enqueue_on_commit
from opms.core.sql import rows_update


@transaction.atomic
def customer_create(*, code: str, name: str, **fields) -> Customer:
    """Create a customer; the code must be unique."""
    customer = Customer(code=code, name=name, **fields)
    customer.full_clean()
    customer.save()
    return customer


def customer_exposure_adjust(
    *,
    customer_id: int,
    open_order_delta: Decimal = ZERO,
    receivable_delta: Decimal = ZERO,
    unallocated_delta: Decimal = ZERO,
) -> None:
    """Move the customer's open-order, receivable and unallocated-payment figures.

    Called inside the caller's transaction (order submit, invoice issue, payment
    recording and allocation); F() keeps concurrent adjustments exact.
    """
    if not open_order_delta and not receivable_delta and not unallocated_delta:
        return
    Customer.objects.filter(pk=customer_id).update(
        open_order_amount=F("open_order_amount") + open_order_delta,
        receivable_amount=F("receivable_amount") + receivable_delta,
        unallocated_payment_amount=F("unallocated_payment_amount") + unallocated_delta,
    )
    if open_order_delta + receivable_delta - unallocated_delta:
        credit_alerts_refresh(customer_id=customer_id)


def customer_oldest_due_set(*, customer_id: int, due_on) -> None:
    """Record the due date of the customer's oldest open invoice (finance keeps it current),
    which the credit check compares with the policy's overdue days."""
    Customer.objects.filter(pk=customer_id).update(oldest_open_invoice_due_on=due_on)


@transaction.atomic
def complaint_log(
    *,
    customer: Customer,
    actor,
    title: str,
    category: str,
    severity: str = Complaint.Severity.MEDIUM,
    description: str = "",
    order_reference: str = "",
    owner=None,
) -> Complaint:
    """Log a complaint (客诉) against a customer, optionally about one of its orders."""
    complaint = Complaint(
        customer=customer,
        title=title,
        category=category,
        severity=severity,
        description=description,
        order_reference=order_reference,
        owner=owner or actor,
        created_by=actor,
    )
    complaint.full_clean()
    complaint.save()
    return complaint


COMPLAINT_FLOW = {
    Complaint.Status.OPEN: {Complaint.Status.IN_PROGRESS, Complaint.Status.RESOLVED},
    Complaint.Status.IN_PROGRESS: {Complaint.Status.RESOLVED},
    Complaint.Status.RESOLVED: set(),
}


@transaction.atomic
def complaint_advance(*, complaint_id: int, actor, status: str, resolution: str = "") -> Complaint:
    """Move a complaint on (open → in progress → resolved); resolving needs a resolution.

    Raises ComplaintStatusNotAllowed, ResolutionRequired.
    """
    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if status not in COMPLAINT_FLOW[complaint.status]:
        raise ComplaintStatusNotAllowed(
            title=complaint.title,
            status=complaint.get_status_display(),
            target=Complaint.Status(status).label,
        )
    if status == Complaint.Status.RESOLVED:
        if not resolution.strip():
            raise ResolutionRequired()
        complaint.resolution = resolution
        complaint.resolved_at = timezone.now()
    complaint.status = status
    complaint._change_reason = resolution
    complaint.save(update_fields=["status", "resolution", "resolved_at"])
    return complaint


@transaction.atomic
def interaction_log(*, customer: Customer, actor, kind: str, note: str) -> Interaction:
    """Add a call, visit or note to the customer's interaction log."""
    interaction = Interaction(customer=customer, actor=actor, kind=kind, note=note)
    interaction.full_clean()
    interaction.save()
    return interaction


def credit_open_orders_add(*, customer: Customer, amount: Decimal) -> None:
    """Add an order to the locked customer's open-order exposure (see credit_check_lock)
    and raise the credit alerts the new exposure crosses."""
    policy = getattr(customer, "_credit_policy", None)
    before = credit_exposure(customer)
    customer.open_order_amount += amount
    rows_update(Customer, [customer], ["open_order_amount"])
    limit = credit_limit_for(customer, policy)
    if limit is None or policy is None:
        return
    after = credit_exposure(customer)
    for level, line in credit_alert_lines(limit, policy):
        if not credit_alert_reached(level, before, line) and credit_alert_reached(
            level, after, line
        ):
            _credit_alert_raise(customer=customer, level=level, exposure=after, limit=limit)


def _credit_alert_raise(
    *, customer: Customer, level: str, exposure: Decimal, limit: Decimal
) -> None:
    # The partial unique constraint keeps one open alert per level: a second crossing
    # while the first alert is still open adds nothing.
    try:
        with transaction.atomic():
            alert = CreditAlert.objects.create(
                customer=customer, level=level, exposure_amount=exposure, limit_amount=limit
            )
    except IntegrityError:
        return
    enqueue_on_commit(credit_alert_notify_task, alert.pk)


def credit_alerts_refresh(*, customer_id: int) -> None:
    """Raise the alerts the customer's exposure reached and clear those it fell back under."""
    customer = Customer.objects.get(pk=customer_id)
    policy = credit_policy_get()
    limit = credit_limit_for(customer, policy)
    exposure = credit_exposure(customer)
    open_levels = set(
        CreditAlert.objects.filter(customer_id=customer_id, cleared_at__isnull=True).values_list(
            "level", flat=True
        )
    )
    lines = [] if limit is None or policy is None else credit_alert_lines(limit, policy)
    reached = {level for level, line in lines if credit_alert_reached(level, exposure, line)}
    gone = open_levels - reached
    if gone:
        CreditAlert.objects.filter(
            customer_id=customer_id, cleared_at__isnull=True, level__in=gone
        ).update(cleared_at=timezone.now())
    for level in reached - open_levels:
        _credit_alert_raise(customer=customer, level=level, exposure=exposure, limit=limit)


CUSTOM_FIELD_ATTRIBUTES = [
    "target",
    "name",
    "label",
    "kind",
    "is_required",
    "help_text",
    "choices",
    "position",
    "is_filter",
]


@transaction.atomic
def custom_field_save(
    *, actor, values: dict, reserved_names: set[str], field_id: int | None = None
) -> CustomField:
    """Create or change a custom field. ``reserved_names`` are the built-in field names of
    the target (given by the layer that knows the target's model).

    Raises CustomFieldNameClash (a built-in name, or another field of the target).
    """
    name = values["name"]
    clash = name.lower() in {reserved.lower() for reserved in reserved_names}
    others = CustomField.objects.filter(target=values["target"], name=name)
    if field_id is not None:
        others = others.exclude(pk=field_id)
    if clash or others.exists():
        raise CustomFieldNameClash(name=name)
    custom_field = (
        CustomField()
        if field_id is None
        else CustomField.objects.select_for_update().get(pk=field_id)
    )
    for attribute in CUSTOM_FIELD_ATTRIBUTES:
        if attribute in values:
            setattr(custom_field, attribute, values[attribute])
    custom_field._history_user = actor
    custom_field.save()
    return custom_field


@transaction.atomic
def custom_field_delete(*, actor, field_id: int) -> None:
    """Remove a custom field; values already stored stay in the records and their history."""
    custom_field = CustomField.objects.select_for_update().filter(pk=field_id).first()
    if custom_field is not None:
        custom_field._history_user = actor
        custom_field.delete()


@transaction.atomic
def customer_custom_fields_set(
    *, actor, customer_id: int, values: dict, reason: str = ""
) -> Customer:
    """Store a customer's custom field values (already validated), with history."""
    customer = Customer.objects.select_for_update(of=("self",)).get(pk=customer_id)
    customer.custom_fields = values
    customer._history_user = actor
    customer._change_reason = reason
    customer.save(update_fields=["custom_fields"])
    return customer


@transaction.atomic
def customer_update(*, customer_id: int, **fields) -> Customer:
    """Change a customer's master data (not its exposure figures); validated like a form."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    customer.save()
    return customer


@transaction.atomic
def price_rule_upsert(
    *, price_list, name: str, product_sku: str, category_code: str, min_quantity: int, **fields
) -> PriceRule:
    """Create the rule of a price list for this SKU or category and quantity break, or
    change the one that exists (validated like the admin form)."""
    rule = (
        PriceRule.objects.select_for_update()
        .filter(
            price_list=price_list,
            product_sku=product_sku,
            category_code=category_code,
            min_quantity=min_quantity,
        )
        .first()
    ) or PriceRule(
        price_list=price_list,
        product_sku=product_sku,
        category_code=category_code,
        min_quantity=min_quantity,
    )
    rule.name = name
    for field_name, value in fields.items():
        setattr(rule, field_name, value)
    rule.full_clean()
    rule.save()
    return rule
