"""Reads of the integration side: key look-up, channels, keys, subscriptions, deliveries."""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from customers.models import Customer
from customers.selectors import customers_visible_to
from inventory.models import Product, StockLevel
from opms.core.counters import counter_read
from orders.integration.models import ApiKey, IntegrationChannel, WebhookDelivery
from orders.integration.services import API_KEYS_GENERATION, api_key_hash
from orders.models import SalesOrder, SalesOrderLine, Shipment
from orders.selectors import orders_visible_to, shipments_visible_to


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key (with its channel and the user it acts as), or None. One query."""
    return (
        ApiKey.objects.select_related("channel__acts_as")
        .filter(key_hash=api_key_hash(raw_key), revoked_at__isnull=True, channel__is_active=True)
        .first()
    )


def api_keys_generation() -> int:
    """Changes whenever a key is revoked (services.api_keys_changed): a process that
    remembers keys drops them when it sees a new value."""
    return counter_read(API_KEYS_GENERATION)


def channel_list() -> QuerySet[IntegrationChannel]:
    return IntegrationChannel.objects.select_related("acts_as").prefetch_related(
        "api_keys", "webhooks"
    )


def channel_get(*, pk: int) -> IntegrationChannel:
    return IntegrationChannel.objects.select_related("acts_as").get(pk=pk)


def channel_keys(*, channel: IntegrationChannel) -> list[ApiKey]:
    return list(channel.api_keys.select_related("created_by"))


def delivery_list(*, channel: IntegrationChannel | None = None) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("subscription__channel")
    if channel is not None:
        deliveries = deliveries.filter(subscription__channel=channel)
    return deliveries


# ---------------------------------------------------------------- API reads


def api_products(*, sku: str = "", category: str = "", updated_since=None) -> QuerySet[Product]:
    """Products with their stock per warehouse (one extra query for all of a page)."""
    products = Product.objects.select_related("category").prefetch_related(
        Prefetch(
            "stock_levels",
            queryset=StockLevel.objects.select_related("warehouse").order_by("warehouse__code"),
        )
    )
    if sku:
        products = products.filter(sku=sku)
    if category:
        products = products.filter(category__code=category)
    if updated_since is not None:
        products = products.filter(updated_at__gte=updated_since)
    return products


def api_customers(*, user, code: str = "") -> QuerySet[Customer]:
    customers = customers_visible_to(Customer.objects.all(), user)
    return customers.filter(code=code) if code else customers


def api_orders(
    *, user, status: str = "", customer: str = "", updated_since=None
) -> QuerySet[SalesOrder]:
    """Orders the user may see in the UI, filtered as the API allows."""
    orders = orders_visible_to(SalesOrder.objects.select_related("customer", "channel"), user)
    if status:
        orders = orders.filter(status=status)
    if customer:
        orders = orders.filter(customer__code=customer)
    if updated_since is not None:
        orders = orders.filter(updated_at__gte=updated_since)
    return orders


def api_order_get(*, user, number: str) -> SalesOrder:
    """One visible order with its lines; SalesOrder.DoesNotExist (404) otherwise."""
    return (
        orders_visible_to(SalesOrder.objects.select_related("customer", "channel"), user)
        .prefetch_related(
            Prefetch("lines", queryset=SalesOrderLine.objects.select_related("product"))
        )
        .get(number=number)
    )


def api_order_written(*, order: SalesOrder, channel: IntegrationChannel | None) -> SalesOrder:
    """The order a write service just returned, ready for OrderSerializer: its lines (with
    their SKUs) in one query; customer and channel are the objects the request already has,
    so nothing is read twice."""
    if channel is not None and order.channel_id == channel.pk:
        order.channel = channel
    prefetch_related_objects(
        [order], Prefetch("lines", queryset=SalesOrderLine.objects.select_related("product"))
    )
    return order


def api_order_shipments(*, user, number: str) -> list[Shipment]:
    order = orders_visible_to(SalesOrder.objects.all(), user).only("pk").get(number=number)
    return list(
        Shipment.objects.filter(order=order)
        .select_related("order", "warehouse", "carrier")
        .order_by("created_at", "pk")
    )


def api_shipment_get(*, user, number: str) -> Shipment:
    return shipments_visible_to(
        Shipment.objects.select_related("order", "warehouse", "carrier"), user
    ).get(number=number)
