"""Every non-trivial read of orders and shipments, with its joins done."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from customers.pricing import price_quote, price_rules_for
from customers.selectors import sales_scope_of
from inventory.models import Product
from inventory.selectors import available_by_product
from opms.core.money import ZERO
from orders.models import (
    ApprovalStep,
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)
from orders.services.common import line_amounts

LIST_ORDERINGS = {
    "created": "-created_at",
    "-created": "created_at",
    "date": "order_date",
    "-date": "-order_date",
    "total": "total_amount",
    "-total": "-total_amount",
    "number": "number",
    "-number": "-number",
}


def order_list(*, user) -> QuerySet[SalesOrder]:
    """Orders the user may see, with what the list shows joined in."""
    orders = SalesOrder.objects.select_related("customer", "sales_rep")
    return orders_visible_to(orders, user)


def orders_visible_to(orders: QuerySet[SalesOrder], user) -> QuerySet[SalesOrder]:
    """Sales users see their own or their team's orders, as set on the user (own / team /
    all); every other role sees all."""
    scope = sales_scope_of(user)
    if scope == "own":
        return orders.filter(sales_rep=user)
    if scope == "team":
        return orders.filter(Q(sales_rep=user) | Q(team_id=user.team_id))
    return orders


def order_get(*, pk: int, user) -> SalesOrder:
    return orders_visible_to(
        SalesOrder.objects.select_related("customer", "warehouse", "sales_rep", "team"), user
    ).get(pk=pk)


@dataclass
class OrderDetail:
    order: SalesOrder
    lines: list[SalesOrderLine]
    steps: list[ApprovalStep]
    shipments: list[Shipment]
    events: list[OrderEvent]
    open_quantity: int = 0
    reserved_quantity: int = 0


def order_detail(*, pk: int, user) -> OrderDetail:
    """The order page: lines with reservations, approval steps, shipments, timeline."""
    order = order_get(pk=pk, user=user)
    lines = list(
        order.lines.select_related("product").prefetch_related(
            Prefetch("reservations", queryset=LineReservation.objects.select_related("warehouse"))
        )
    )
    steps = list(order.approval_steps.select_related("approver_group", "decided_by"))
    shipments = list(
        order.shipments.select_related("carrier", "warehouse", "confirmed_by")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product"))
        )
        .order_by("created_at", "pk")
    )
    events = list(order.events.select_related("actor").order_by("created_at", "pk"))
    return OrderDetail(
        order=order,
        lines=lines,
        steps=steps,
        shipments=shipments,
        events=events,
        open_quantity=sum(line.quantity_open for line in lines),
        reserved_quantity=sum(r.quantity for line in lines for r in line.reservations.all()),
    )


def orders_awaiting_approval(*, user) -> QuerySet[ApprovalStep]:
    """The approver's queue: pending steps of their groups, oldest first."""
    steps = ApprovalStep.objects.filter(
        status=ApprovalStep.Status.PENDING, order__status=SalesOrder.Status.PENDING_APPROVAL
    )
    if not user.is_superuser:
        steps = steps.filter(approver_group__in=user.groups.all())
    return steps.select_related("order__customer", "order__sales_rep", "approver_group").order_by(
        "created_at", "pk"
    )


def orders_to_ship(*, warehouse_id: int | None = None) -> QuerySet[SalesOrder]:
    """Approved orders with quantities still to ship, oldest approval first."""
    orders = SalesOrder.objects.filter(status__in=SalesOrder.SHIPPABLE)
    if warehouse_id:
        orders = orders.filter(warehouse_id=warehouse_id)
    return (
        orders.select_related("customer", "warehouse")
        .annotate(
            open_quantity=Coalesce(Sum(F("lines__quantity") - F("lines__quantity_shipped")), 0),
            line_count=Count("lines"),
        )
        .order_by("approved_at", "pk")
    )


def shipments_to_pick(*, warehouse_id: int | None = None) -> QuerySet[Shipment]:
    shipments = Shipment.objects.filter(status=Shipment.Status.DRAFT)
    if warehouse_id:
        shipments = shipments.filter(warehouse_id=warehouse_id)
    return shipments.select_related("order__customer", "warehouse").order_by("created_at", "pk")


def shipments_visible_to(shipments: QuerySet[Shipment], user) -> QuerySet[Shipment]:
    """Sales users see the shipments of the orders they may see; other roles all."""
    if user is None or sales_scope_of(user) is None:
        return shipments
    return shipments.filter(order__in=orders_visible_to(SalesOrder.objects.all(), user))


def shipment_list(*, user=None) -> QuerySet[Shipment]:
    return shipments_visible_to(
        Shipment.objects.select_related("order__customer", "warehouse", "carrier"), user
    )


def shipment_get(*, pk: int, user=None) -> Shipment:
    return shipments_visible_to(
        Shipment.objects.select_related(
            "order__customer", "warehouse", "carrier", "created_by", "confirmed_by"
        ),
        user,
    ).get(pk=pk)


def shipment_lines(*, shipment: Shipment) -> list[ShipmentLine]:
    return list(
        shipment.lines.select_related("order_line__product").order_by("order_line__line_no")
    )


def shipment_open_lines(*, order: SalesOrder) -> list[dict]:
    """Per line: still to ship, minus what already waits on pick lists."""
    pending = dict(
        ShipmentLine.objects.filter(shipment__order=order, shipment__status=Shipment.Status.DRAFT)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    rows = []
    for line in order.lines.select_related("product"):
        can_ship = line.quantity_open - pending.get(line.pk, 0)
        rows.append({"line": line, "pending": pending.get(line.pk, 0), "can_ship": can_ship})
    return rows


def orders_of_sales_rep(*, user, statuses=None, limit: int = 10) -> list[SalesOrder]:
    orders = SalesOrder.objects.filter(sales_rep=user).select_related("customer")
    if statuses:
        orders = orders.filter(status__in=statuses)
    return list(orders.order_by("-created_at", "-pk")[:limit])


def order_status_counts(*, user=None, statuses=None) -> dict[str, int]:
    orders = SalesOrder.objects.all()
    if statuses is not None:
        # Open states are few rows: the (status, created_at) index answers without a scan.
        orders = orders.filter(status__in=statuses)
    if user is not None:
        orders = orders.filter(sales_rep=user)
    return dict(orders.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


@dataclass
class LinePreview:
    product: object
    quantity: int
    unit_price: Decimal
    discount_percent: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    available: int | None
    rule_price: Decimal = ZERO
    rule_name: str = ""
    is_override: bool = False

    @property
    def is_short(self) -> bool:
        return self.available is not None and self.quantity > self.available


@dataclass
class OrderPreview:
    lines: list[LinePreview | None] = field(default_factory=list)
    lines_amount: Decimal = ZERO
    discount_amount: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total_amount: Decimal = ZERO


def order_preview(
    *,
    rows: list[dict | None],
    warehouse_id: int | None,
    currency: str = "CNY",
    customer=None,
    on: date | None = None,
) -> OrderPreview:
    """Price the rows of the order form as the user types, with stock available to promise.

    `rows` holds each form row's cleaned data (product, quantity, unit_price,
    discount_percent) or None for a row that is not valid yet. An empty unit price
    takes the pricing engine's price for the customer on the day (today by default);
    a typed one is a manual override.
    """
    tax_rate = SalesOrder._meta.get_field("tax_rate").default
    on = on or SalesOrder._meta.get_field("order_date").default()
    if customer is not None:
        currency = customer.currency
    products = [row["product"].pk for row in rows if row]
    available = (
        available_by_product(product_ids=products, warehouse_id=warehouse_id)
        if warehouse_id and products
        else {}
    )
    categories = (
        dict(Product.objects.filter(pk__in=products).values_list("pk", "category__code"))
        if products
        else {}
    )
    candidates = price_rules_for(
        customer,
        [row["product"].sku for row in rows if row],
        [code for code in categories.values() if code],
        on,
    )
    preview = OrderPreview()
    for row in rows:
        if not row:
            preview.lines.append(None)
            continue
        product = row["product"]
        quote = price_quote(
            customer=customer,
            sku=product.sku,
            category_code=categories.get(product.pk) or "",
            list_price=product.list_price_amount,
            quantity=row["quantity"],
            on=on,
            candidates=candidates,
        )
        unit_price = row.get("unit_price")
        is_override = unit_price is not None
        if unit_price is None:
            unit_price = quote.unit_price
        discount = row.get("discount_percent") or Decimal("0")
        amounts = line_amounts(
            quantity=row["quantity"],
            unit_price=unit_price,
            discount_percent=discount,
            tax_rate=tax_rate,
            currency=currency,
        )
        preview.lines.append(
            LinePreview(
                product=product,
                quantity=row["quantity"],
                unit_price=unit_price,
                discount_percent=discount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
                available=available.get(product.pk, 0) if warehouse_id else None,
                rule_price=quote.unit_price,
                rule_name=quote.rule_name,
                is_override=is_override,
            )
        )
        preview.lines_amount += amounts.lines_amount
        preview.discount_amount += amounts.discount_amount
        preview.tax_amount += amounts.tax_amount
    preview.total_amount = preview.lines_amount - preview.discount_amount + preview.tax_amount
    return preview
