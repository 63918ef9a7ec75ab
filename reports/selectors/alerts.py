"""The alerts center: every alert is computed from current data, so it disappears when
its cause is gone. Each kind is one count and one short list, both indexed queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.credit import credit_policy_get
from customers.models import Customer
from finance.models import Invoice
from inventory.selectors import stock_levels_below_reorder_point
from opms.core.money import ZERO
from opms.core.templatetags.opms import money
from orders.models import ApprovalStep, OrderEvent, SalesOrder, WebhookDelivery
from reports.models import AlertSettings

COUNT_CACHE_SECONDS = 60
LIST_LIMIT = 10

# Orders that can get stuck: every open state except draft (the sales rep's own desk).
STUCK_STATES = [
    SalesOrder.Status.PENDING_APPROVAL,
    SalesOrder.Status.APPROVED,
    SalesOrder.Status.PARTIALLY_SHIPPED,
    SalesOrder.Status.ON_HOLD,
]


@dataclass(frozen=True)
class AlertKind:
    key: str
    title: str
    permission: str
    list_url: str = ""


ALERT_KINDS = [
    AlertKind("low_stock", _("Low stock"), "inventory.view_stocklevel", "inventory:stock"),
    AlertKind("credit", _("Customers over or near their credit limit"), "finance.view_invoice"),
    AlertKind("overdue", _("Overdue receivables"), "finance.view_invoice", "finance:invoices"),
    AlertKind("stuck", _("Orders stuck in one state"), "orders.view_salesorder"),
    AlertKind(
        "approvals",
        _("Approvals waiting too long"),
        "orders.approve_salesorder",
        "orders:approvals",
    ),
    AlertKind("webhooks", _("Failed webhooks"), "reports.view_alerts"),
]


def alert_settings_get() -> AlertSettings:
    return AlertSettings.objects.order_by("pk").first() or AlertSettings()


def _low_stock():
    return stock_levels_below_reorder_point()


def customers_near_credit_limit(settings: AlertSettings):
    """Customers whose exposure is at or above the warning share of their effective limit."""
    policy = credit_policy_get()
    money = DecimalField(max_digits=18, decimal_places=2)
    tier_limits = []
    default = None
    if policy is not None:
        for tier in Customer.Tier.values:
            limit = getattr(policy, f"tier_{tier.lower()}_limit_amount", None)
            if limit:
                tier_limits.append(When(tier=tier, then=Value(limit)))
        default = policy.default_limit_amount or None
    limit = Coalesce(
        NullIf(F("credit_limit_amount"), Value(ZERO)),
        Case(*tier_limits, default=Value(default), output_field=money),
        output_field=money,
    )
    exposure = F("receivable_amount") + F("open_order_amount") - F("unallocated_payment_amount")
    return (
        Customer.objects.filter(is_active=True)
        .annotate(limit=limit, exposure=exposure)
        .filter(limit__gt=0, exposure__gte=F("limit") * settings.credit_warning_percent / 100)
        .order_by("-exposure", "code")
    )


def _overdue():
    return (
        Invoice.objects.filter(status__in=Invoice.OPEN, due_on__lt=timezone.localdate())
        .select_related("customer")
        .order_by("due_on", "pk")
    )


def _stuck(settings: AlertSettings):
    """Open orders whose last state change (from the timeline) is older than N days."""
    since = timezone.now() - timedelta(days=settings.stuck_order_days)
    last_change = Subquery(
        OrderEvent.objects.filter(order=OuterRef("pk"))
        .exclude(to_status="")
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        SalesOrder.objects.filter(status__in=STUCK_STATES)
        .annotate(state_since=Coalesce(last_change, F("created_at")))
        .filter(state_since__lt=since)
        .select_related("customer")
        .order_by("state_since", "pk")
    )


def _approvals(settings: AlertSettings):
    """Levels past their own deadline, or (levels without one) waiting longer than the
    alert threshold."""
    now = timezone.now()
    since = now - timedelta(hours=settings.approval_wait_hours)
    return (
        ApprovalStep.objects.filter(
            Q(due_at__lte=now) | Q(due_at__isnull=True, created_at__lt=since),
            status=ApprovalStep.Status.PENDING,
            order__status=SalesOrder.Status.PENDING_APPROVAL,
        )
        .select_related("order__customer", "approver_group")
        .order_by("created_at", "pk")
    )


def _failed_deliveries():
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED)


def failed_webhooks() -> list[dict]:
    """Webhook deliveries that gave up; a successful replay clears them."""
    deliveries = _failed_deliveries().select_related("subscription").order_by("-pk")
    return [
        {
            "label": f"{delivery.get_event_display()} → {delivery.subscription.url}",
            "detail": _("%(attempts)s attempts; last error: %(error)s")
            % {"attempts": delivery.attempts, "error": delivery.last_error or "—"},
            "url": reverse("orders:integration", args=[delivery.subscription.channel_id]),
        }
        for delivery in deliveries[:LIST_LIMIT]
    ]


@dataclass
class AlertGroup:
    kind: AlertKind
    count: int
    items: list[dict]


def _items(kind: str, settings: AlertSettings) -> tuple[int, list[dict]]:
    now = timezone.now()
    today = timezone.localdate()
    if kind == "low_stock":
        levels = _low_stock()
        return levels.count(), [
            {
                "label": f"{level.product.sku} {level.product.name} · {level.warehouse.name}",
                "detail": _("%(available)s available, reorder point %(point)s")
                % {"available": level.available_quantity, "point": level.product.reorder_point},
                "url": reverse("inventory:product", args=[level.product_id]),
            }
            for level in levels[:LIST_LIMIT]
        ]
    if kind == "credit":
        customers = customers_near_credit_limit(settings)
        return customers.count(), [
            {
                "label": str(customer),
                "detail": _("exposure %(exposure)s of limit %(limit)s (%(percent)s %%)")
                % {
                    "exposure": money(customer.exposure),
                    "limit": money(customer.limit),
                    "percent": int(customer.exposure * 100 / customer.limit),
                },
                "level": "danger" if customer.exposure > customer.limit else "warning",
                "url": reverse("reports:customer", args=[customer.pk]),
            }
            for customer in customers[:LIST_LIMIT]
        ]
    if kind == "overdue":
        invoices = _overdue()
        return invoices.count(), [
            {
                "label": f"{invoice.number} · {invoice.customer.name}",
                "detail": _("%(amount)s open, %(days)s days past due")
                % {
                    "amount": money(invoice.total_amount - invoice.allocated_amount),
                    "days": (today - invoice.due_on).days,
                },
                "url": reverse("finance:invoice", args=[invoice.pk]),
            }
            for invoice in invoices[:LIST_LIMIT]
        ]
    if kind == "stuck":
        orders = _stuck(settings)
        return orders.count(), [
            {
                "label": f"{order.number} · {order.customer.name}",
                "detail": _("%(status)s for %(days)s days")
                % {"status": order.get_status_display(), "days": (now - order.state_since).days},
                "url": reverse("orders:detail", args=[order.pk]),
            }
            for order in orders[:LIST_LIMIT]
        ]
    if kind == "approvals":
        steps = _approvals(settings)
        return steps.count(), [
            {
                "label": f"{step.order.number} · {step.order.customer.name}",
                "detail": _("waiting %(hours)s hours for %(group)s")
                % {
                    "hours": int((now - step.created_at).total_seconds() // 3600),
                    "group": step.approver_group.name,
                },
                "url": reverse("orders:detail", args=[step.order_id]),
            }
            for step in steps[:LIST_LIMIT]
        ]
    return _failed_deliveries().count(), failed_webhooks()


def alert_kinds_for(user) -> list[AlertKind]:
    return [kind for kind in ALERT_KINDS if user.has_perm(kind.permission)]


def alerts_for(user) -> list[AlertGroup]:
    """Every alert kind the user may act on, with its count and the oldest/largest items."""
    settings = alert_settings_get()
    groups = []
    for kind in alert_kinds_for(user):
        count, items = _items(kind.key, settings)
        groups.append(AlertGroup(kind=kind, count=count, items=items))
    return groups


def _count(kind: str, settings: AlertSettings) -> int:
    if kind == "low_stock":
        return _low_stock().count()
    if kind == "credit":
        return customers_near_credit_limit(settings).count()
    if kind == "overdue":
        return _overdue().count()
    if kind == "stuck":
        return _stuck(settings).count()
    if kind == "approvals":
        return _approvals(settings).count()
    return _failed_deliveries().count()


GENERATION_KEY = "reports:alert-count-generation"


def alert_count_for(user) -> int:
    """The number in the navigation: cached briefly per set of visible kinds."""
    keys = [kind.key for kind in alert_kinds_for(user)]
    if not keys:
        return 0
    generation = cache.get_or_set(GENERATION_KEY, 1, None)
    cache_key = f"reports:alert-count:{generation}:" + ",".join(keys)
    count = cache.get(cache_key)
    if count is None:
        settings = alert_settings_get()
        count = sum(_count(key, settings) for key in keys)
        cache.set(cache_key, count, COUNT_CACHE_SECONDS)
    return count


def alert_count_forget() -> None:
    """After the thresholds change the navigation shows the new count at once."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)
