"""Writes of purchasing: reorder suggestions and low-stock alerts, purchase orders, receipts."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from inventory.models import StockLevel, StockMove
from inventory.services import stock_on_order_adjust, stock_receive
from opms.core.money import ZERO, round_money
from opms.core.numbering import next_document_number
from opms.notifications.events import TITLES, Event
from opms.notifications.services import notify
from purchasing.errors import (
    NoSuggestionsChosen,
    PurchaseOrderTransitionNotAllowed,
    PurchasingPermissionDenied,
    ReceiptEmpty,
    ReceiptQuantityTooLarge,
    SuggestionWithoutSupplier,
)
from purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    LowStockAlert,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderPolicy,
    ReorderSuggestion,
    SupplierProduct,
)

PURCHASING_GROUP = "purchasing"

VERBS = {
    "send": _("sent"),
    "receive": _("received"),
    "close": _("closed"),
    "cancel": _("cancelled"),
}


@dataclass(frozen=True)
class SuggestionRun:
    created: int
    updated: int
    dismissed: int
    alerts_raised: int
    alerts_cleared: int


def _suggested_quantity(policy: ReorderPolicy, position: int, minimum: int) -> int:
    if policy.maximum_quantity:
        quantity = policy.maximum_quantity - position
    else:
        quantity = max(policy.reorder_quantity, policy.reorder_point - position)
    return max(quantity, minimum, 1)


def _policies() -> list[ReorderPolicy]:
    """Explicit policies, plus the product's own reorder point (refill to twice that point)
    wherever the product is stocked and no explicit policy exists."""
    explicit = list(ReorderPolicy.objects.select_related("product", "warehouse").order_by("pk"))
    covered = {(policy.product_id, policy.warehouse_id) for policy in explicit}
    implicit = [
        ReorderPolicy(
            product=level.product,
            warehouse=level.warehouse,
            reorder_point=level.product.reorder_point,
            maximum_quantity=level.product.reorder_point * 2,
        )
        for level in StockLevel.objects.filter(
            product__reorder_point__gt=0, product__is_active=True
        )
        .select_related("product", "warehouse")
        .order_by("product_id", "warehouse_id")
        if (level.product_id, level.warehouse_id) not in covered
    ]
    return explicit + implicit


@transaction.atomic
def suggestions_compute() -> SuggestionRun:
    """Compare every reorder policy with its stock position and keep suggestions and alerts
    current.

    Position = available + on order − backordered. Below the reorder point there is
    exactly one open suggestion (grouped later by the preferred supplier) and one open
    low-stock alert; purchasing is notified once per crossing. Safe to run twice: the
    second run finds everything in place (unique open rows back that up).
    """
    policies = _policies()
    levels = {
        (level.product_id, level.warehouse_id): level
        for level in StockLevel.objects.filter(
            product_id__in={policy.product_id for policy in policies}
        )
    }
    preferred = {
        offer.product_id: offer
        for offer in SupplierProduct.objects.filter(
            is_preferred=True, product_id__in={policy.product_id for policy in policies}
        )
    }
    open_suggestions = {
        (s.product_id, s.warehouse_id): s
        for s in ReorderSuggestion.objects.select_for_update().filter(
            status=ReorderSuggestion.Status.OPEN
        )
    }
    open_alerts = {
        (a.product_id, a.warehouse_id): a
        for a in LowStockAlert.objects.select_for_update().filter(is_open=True)
    }
    now = timezone.now()
    created = updated = dismissed = 0
    new_alerts = []
    for policy in policies:
        key = (policy.product_id, policy.warehouse_id)
        level = levels.get(key)
        available = level.available if level else 0
        on_order = level.on_order if level else 0
        backordered = level.backordered if level else 0
        position = available + on_order - backordered
        suggestion = open_suggestions.get(key)
        alert = open_alerts.get(key)
        if position >= policy.reorder_point:
            if suggestion is not None:
                suggestion.status = ReorderSuggestion.Status.DISMISSED
                suggestion.updated_at = now
                suggestion.save(update_fields=["status", "updated_at"])
                dismissed += 1
            if alert is not None:
                alert.is_open = False
                alert.cleared_at = now
                alert.save(update_fields=["is_open", "cleared_at"])
            continue
        offer = preferred.get(policy.product_id)
        figures = {
            "quantity": _suggested_quantity(
                policy, position, offer.minimum_quantity if offer else 1
            ),
            "available": available,
            "on_order": on_order,
            "backordered": backordered,
            "reorder_point": policy.reorder_point,
            "supplier_id": offer.supplier_id if offer else None,
        }
        if suggestion is None:
            ReorderSuggestion.objects.bulk_create(
                [ReorderSuggestion(product=policy.product, warehouse=policy.warehouse, **figures)],
                ignore_conflicts=True,
            )
            created += 1
        elif any(getattr(suggestion, name) != value for name, value in figures.items()):
            for name, value in figures.items():
                setattr(suggestion, name, value)
            suggestion.updated_at = now
            suggestion.save(update_fields=[*figures, "updated_at"])
            updated += 1
        if alert is None:
            new_alerts.append(
                LowStockAlert(
                    product=policy.product,
                    warehouse=policy.warehouse,
                    position=position,
                    reorder_point=policy.reorder_point,
                )
            )
    if new_alerts:
        LowStockAlert.objects.bulk_create(new_alerts, ignore_conflicts=True)
        raised = list(
            LowStockAlert.objects.filter(is_open=True, raised_at__gte=now).select_related(
                "product", "warehouse"
            )
        )
        for alert in raised:
            low_stock_notify(alert)
    cleared = sum(1 for a in open_alerts.values() if not a.is_open)
    return SuggestionRun(created, updated, dismissed, len(new_alerts), cleared)


def low_stock_notify(alert: LowStockAlert) -> int:
    """Tell purchasing a product fell below its reorder point: in the app and by e-mail as
    each buyer chose, once per crossing (the key is the alert). Returns how many were told."""
    recipients = (
        get_user_model().objects.filter(groups__name=PURCHASING_GROUP, is_active=True).distinct()
    )
    created = notify(
        recipients,
        Event.LOW_STOCK,
        key=f"low-stock:{alert.pk}",
        title=TITLES[Event.LOW_STOCK],
        url=reverse("purchasing:reorder"),
        params={"sku": alert.product.sku, "warehouse": alert.warehouse.name},
    )
    return len(created)


def _guard(order: PurchaseOrder, method_name: str, actor) -> None:
    method = getattr(order, method_name)
    if not can_proceed(method):
        raise PurchaseOrderTransitionNotAllowed(
            number=order.number, action=VERBS[method_name], status=order.get_status_display()
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise PurchasingPermissionDenied(number=order.number, action=VERBS[method_name])


def _order_lock(order_id: int) -> PurchaseOrder:
    return (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .get(pk=order_id)
    )


@transaction.atomic
def purchase_orders_create_from_suggestions(
    *, suggestion_ids: list[int], actor
) -> list[PurchaseOrder]:
    """Turn open suggestions into draft purchase orders, one per supplier and warehouse,
    priced with the supplier's price; the quantities count as on order at once.

    Raises NoSuggestionsChosen, SuggestionWithoutSupplier.
    """
    if not actor.has_perm("purchasing.add_purchaseorder"):
        raise PurchasingPermissionDenied(number="", action=_("create"))
    suggestions = list(
        ReorderSuggestion.objects.select_for_update(of=("self",))
        .filter(pk__in=suggestion_ids, status=ReorderSuggestion.Status.OPEN)
        .select_related("product", "supplier")
        .order_by("pk")
    )
    if not suggestions:
        raise NoSuggestionsChosen()
    for suggestion in suggestions:
        if suggestion.supplier_id is None:
            raise SuggestionWithoutSupplier(sku=suggestion.product.sku)
    prices = {
        (offer.supplier_id, offer.product_id): offer
        for offer in SupplierProduct.objects.filter(
            product_id__in={s.product_id for s in suggestions},
            supplier_id__in={s.supplier_id for s in suggestions},
        )
    }
    groups: dict[tuple[int, int], list[ReorderSuggestion]] = {}
    for suggestion in suggestions:
        groups.setdefault((suggestion.supplier_id, suggestion.warehouse_id), []).append(suggestion)
    orders = []
    for (supplier_id, warehouse_id), members in sorted(groups.items()):
        supplier = members[0].supplier
        offers = [prices.get((supplier_id, s.product_id)) for s in members]
        lead_time = max(
            (offer.lead_time_days for offer in offers if offer), default=supplier.lead_time_days
        )
        order = PurchaseOrder.objects.create(
            number=next_document_number("PO"),
            supplier_id=supplier_id,
            warehouse_id=warehouse_id,
            currency=supplier.currency,
            expected_on=timezone.localdate() + timedelta(days=lead_time),
            created_by=actor,
        )
        lines = []
        for number, (suggestion, offer) in enumerate(zip(members, offers, strict=True), start=1):
            price = offer.unit_price_amount if offer else ZERO
            lines.append(
                PurchaseOrderLine(
                    purchase_order=order,
                    line_no=number,
                    product_id=suggestion.product_id,
                    quantity=suggestion.quantity,
                    unit_price_amount=price,
                    net_amount=round_money(price * suggestion.quantity, order.currency),
                )
            )
        PurchaseOrderLine.objects.bulk_create(lines)
        order.total_amount = sum((line.net_amount for line in lines), ZERO)
        order.save(update_fields=["total_amount"])
        for line in sorted(lines, key=lambda line: line.product_id):
            stock_on_order_adjust(
                product_id=line.product_id, warehouse_id=warehouse_id, quantity=line.quantity
            )
        ReorderSuggestion.objects.filter(pk__in=[s.pk for s in members]).update(
            status=ReorderSuggestion.Status.ORDERED,
            purchase_order=order,
            updated_at=timezone.now(),
        )
        orders.append(order)
    return orders


@transaction.atomic
def purchase_order_send(*, purchase_order_id: int, actor) -> PurchaseOrder:
    """Mark a draft purchase order as sent to the supplier (its PDF goes with it)."""
    order = _order_lock(purchase_order_id)
    _guard(order, "send", actor)
    order.send()
    order.save(update_fields=["status", "sent_at"])
    return order


def _uncount_open(order: PurchaseOrder) -> None:
    for line in order.lines.order_by("product_id", "pk"):
        if line.quantity_open:
            stock_on_order_adjust(
                product_id=line.product_id,
                warehouse_id=order.warehouse_id,
                quantity=-line.quantity_open,
            )


@transaction.atomic
def purchase_order_cancel(*, purchase_order_id: int, actor, reason: str) -> PurchaseOrder:
    """Cancel a purchase order that received nothing; it no longer counts as on order."""
    order = _order_lock(purchase_order_id)
    _guard(order, "cancel", actor)
    _uncount_open(order)
    order.cancel(reason=reason)
    order.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    return order


@transaction.atomic
def purchase_order_close(*, purchase_order_id: int, actor) -> PurchaseOrder:
    """Close a (partly) received purchase order: what was not delivered is no longer expected."""
    order = _order_lock(purchase_order_id)
    _guard(order, "close", actor)
    _uncount_open(order)
    order.close()
    order.save(update_fields=["status", "closed_at"])
    return order


@transaction.atomic
def goods_receipt_post(
    *, purchase_order_id: int, actor, quantities: dict[int, int], note: str = ""
) -> GoodsReceipt:
    """Receive (part of) a delivery: stock moves in, on order goes down, the purchase order
    becomes partially received or received. After commit inventory announces the stock, and
    orders reserves its backorders first come first served.

    Raises PurchaseOrderTransitionNotAllowed, PurchasingPermissionDenied, ReceiptEmpty,
    ReceiptQuantityTooLarge.
    """
    order = _order_lock(purchase_order_id)
    _guard(order, "receive", actor)
    wanted = {}
    for line_id, quantity in quantities.items():
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise ReceiptEmpty()
        if quantity:
            wanted[line_id] = quantity
    if not wanted:
        raise ReceiptEmpty()
    lines = {
        line.pk: line
        for line in order.lines.select_for_update().filter(pk__in=wanted).order_by("pk")
    }
    if set(lines) != set(wanted):
        raise ReceiptEmpty()
    for line_id, quantity in sorted(wanted.items()):
        line = lines[line_id]
        if quantity > line.quantity_open:
            raise ReceiptQuantityTooLarge(
                line=line.line_no, wanted=quantity, open=line.quantity_open
            )
    receipt = GoodsReceipt.objects.create(
        number=next_document_number("GR"),
        purchase_order=order,
        warehouse_id=order.warehouse_id,
        received_by=actor,
        note=note,
    )
    GoodsReceiptLine.objects.bulk_create(
        [
            GoodsReceiptLine(receipt=receipt, purchase_line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        ]
    )
    # Stock rows in (product, warehouse) order, like every other stock writer.
    for line_id, quantity in sorted(wanted.items(), key=lambda item: lines[item[0]].product_id):
        line = lines[line_id]
        stock_receive(
            product_id=line.product_id,
            warehouse_id=order.warehouse_id,
            quantity=quantity,
            kind=StockMove.Kind.RECEIPT,
            reference=order.number,
            reason=receipt.number,
            actor=actor,
        )
        stock_on_order_adjust(
            product_id=line.product_id, warehouse_id=order.warehouse_id, quantity=-quantity
        )
        line.quantity_received += quantity
    PurchaseOrderLine.objects.bulk_update(list(lines.values()), ["quantity_received"])
    fully_received = not any(
        line.quantity_open for line in order.lines.all() if line.pk not in lines
    ) and not any(line.quantity_open for line in lines.values())
    order.receive(fully_received=fully_received)
    order.save(update_fields=["status", "received_at"])
    return receipt
