"""Creating many draft orders in one go (the batch import's confirm step): the same orders,
lines, amounts, numbers, history and timeline rows as ``order_create`` one by one, written
with a few statements per chunk of orders instead of a dozen per order."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.errors import CustomerInactive
from customers.models import Customer
from customers.pricing import PriceBook
from inventory.models import Product, Warehouse
from opms.core.bulk import history_created_insert, ids_take, rows_complete, rows_insert
from opms.core.money import ZERO, round_money
from opms.core.numbering import document_numbers_take
from orders.errors import DuplicateExternalOrder, OrderHasNoLines
from orders.models import OrderEvent, SalesOrder, SalesOrderLine
from orders.services.common import is_duplicate_external_order, line_amounts
from orders.services.lifecycle import LineInput

# Orders per chunk: each chunk is one COPY per table (orders, their history, lines, their
# history, events) and one progress report.
CHUNK_ORDERS = 2000


@dataclass(frozen=True)
class DraftOrderInput:
    """One order to create, as ``order_create`` takes it."""

    customer: Customer
    warehouse: Warehouse
    lines: list[LineInput]
    requested_delivery_on: date | None = None
    customer_reference: str = ""
    note: str = ""
    is_priority: bool = False
    custom_fields: dict = field(default_factory=dict)
    external_id: str = ""
    shipping_address: str = ""


def _category_code(product: Product) -> str:
    return product.category.code if product.category_id else ""


class _LinePricer:
    """Prices lines as ``order_create`` does: a typed price is a manual override, an empty
    one is the pricing engine's quote; amounts are rounded half-up per line. Equal lines
    are worked out once."""

    def __init__(self, book: PriceBook, products: dict[int, Product], order_tax_rate):
        self.book = book
        self.products = products
        self.order_tax_rate = order_tax_rate
        self._amounts: dict[tuple, tuple] = {}

    def line(self, customer: Customer, line: LineInput) -> dict:
        product = self.products[line.product_id]
        rule_name = ""
        if line.unit_price is None:
            quote = self.book.quote(
                customer=customer,
                sku=product.sku,
                category_code=_category_code(product),
                list_price=product.list_price_amount,
                quantity=line.quantity,
            )
            unit_price, rule_name = quote.unit_price, quote.rule_name
        else:
            unit_price = round_money(line.unit_price)
        tax_rate = product.category.vat_rate if product.category_id else self.order_tax_rate
        key = (line.quantity, unit_price, line.discount_percent, tax_rate, customer.currency)
        amounts = self._amounts.get(key)
        if amounts is None:
            amounts = line_amounts(
                quantity=line.quantity,
                unit_price=unit_price,
                discount_percent=line.discount_percent,
                tax_rate=tax_rate,
                currency=customer.currency,
            )
            self._amounts[key] = amounts
        return {
            "product_id": product.pk,
            "quantity": line.quantity,
            "unit_price_amount": unit_price,
            "list_price_amount": product.list_price_amount,
            "discount_percent": line.discount_percent,
            "price_rule_name": rule_name,
            "lines_amount": amounts.lines_amount,
            "discount_amount": amounts.discount_amount,
            "net_amount": amounts.net_amount,
            "tax_amount": amounts.tax_amount,
            "tax_rate": tax_rate,
        }


def _orders_insert(rows: list[dict], channel) -> None:
    """Insert a chunk of orders; an external number that another import or the channel
    inserted meanwhile is refused as ``order_create`` refuses it."""
    try:
        with transaction.atomic():
            rows_insert(SalesOrder, rows)
    except IntegrityError as exc:
        if not is_duplicate_external_order(exc):
            raise
        existing = dict(
            SalesOrder.objects.filter(
                channel=channel, external_id__in=[row["external_id"] for row in rows]
            ).values_list("external_id", "number")
        )
        external_id = next(row["external_id"] for row in rows if row["external_id"] in existing)
        raise DuplicateExternalOrder(external_id=external_id, number=existing[external_id]) from exc


@transaction.atomic
def orders_create_bulk(
    *,
    actor,
    orders: Sequence[DraftOrderInput],
    channel=None,
    on_progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
) -> list[str]:
    """Create draft orders with their lines priced, all of them or none; nothing is
    reserved until each is submitted. Returns their numbers in the given order.

    Products are read and price rules loaded once for all orders, the numbers and ids are
    taken as one block each, and each chunk of orders is written with one statement per
    table (orders, lines, their history, their timeline rows); ``on_progress(done,
    total)`` is called after each chunk. Raises CustomerInactive, OrderHasNoLines,
    DuplicateExternalOrder.
    """
    wanted = []
    for order_input in orders:
        if not order_input.customer.is_active:
            raise CustomerInactive(customer=str(order_input.customer))
        lines = [line for line in order_input.lines if line.quantity and line.quantity > 0]
        if not lines:
            raise OrderHasNoLines()
        wanted.append(lines)
    if not orders:
        return []
    products = Product.objects.select_related("category").in_bulk(
        {line.product_id for lines in wanted for line in lines}
    )
    order_date = timezone.localdate()
    customers = {order_input.customer.pk: order_input.customer for order_input in orders}
    book = PriceBook(
        customers=customers.values(),
        skus=[product.sku for product in products.values()],
        category_codes=[_category_code(product) for product in products.values()],
        on=order_date,
    )
    pricer = _LinePricer(book, products, SalesOrder._meta.get_field("tax_rate").get_default())
    numbers = document_numbers_take("SO", len(orders))
    order_ids = ids_take(SalesOrder, len(orders))
    actor_team_id = getattr(actor, "team_id", None)
    channel_id = channel.pk if channel is not None else None
    total = len(orders)
    chunk_size = chunk_size or CHUNK_ORDERS
    for start in range(0, total, chunk_size):
        order_rows, line_rows, events = [], [], []
        for index in range(start, min(start + chunk_size, total)):
            order_input, order_id = orders[index], order_ids[index]
            customer = order_input.customer
            lines = []
            for number, line in enumerate(wanted[index], start=1):
                row = pricer.line(customer, line)
                row.update(order_id=order_id, line_no=number)
                lines.append(row)
            lines_amount = sum((row["lines_amount"] for row in lines), ZERO)
            discount_amount = sum((row["discount_amount"] for row in lines), ZERO)
            tax_amount = sum((row["tax_amount"] for row in lines), ZERO)
            total_amount = lines_amount - discount_amount + tax_amount
            order_rows.append(
                {
                    "id": order_id,
                    "number": numbers[index],
                    "customer_id": customer.pk,
                    "warehouse_id": order_input.warehouse.pk,
                    "sales_rep_id": actor.pk,
                    "team_id": customer.team_id or actor_team_id,
                    "currency": customer.currency,
                    "order_date": order_date,
                    "requested_delivery_on": order_input.requested_delivery_on,
                    "customer_reference": order_input.customer_reference,
                    "note": order_input.note,
                    "is_priority": order_input.is_priority,
                    "custom_fields": order_input.custom_fields or {},
                    "channel_id": channel_id,
                    "external_id": order_input.external_id,
                    "shipping_address": order_input.shipping_address,
                    "lines_amount": lines_amount,
                    "discount_amount": discount_amount,
                    "tax_amount": tax_amount,
                    "total_amount": total_amount,
                }
            )
            line_rows.extend(lines)
            events.append(
                {
                    "order_id": order_id,
                    "action": OrderEvent.Action.CREATED.value,
                    "actor_id": actor.pk,
                    "to_status": SalesOrder.Status.DRAFT.value,
                    "payload": {"total": str(total_amount), "lines": len(lines)},
                }
            )
        now = timezone.now()
        _orders_insert(rows_complete(SalesOrder, order_rows), channel)
        chunk_ids = [row["id"] for row in order_rows]
        history_created_insert(SalesOrder, chunk_ids, user_id=actor.pk, at=now)
        rows_insert(SalesOrderLine, rows_complete(SalesOrderLine, line_rows))
        history_created_insert(SalesOrderLine, chunk_ids, user_id=actor.pk, at=now, by="order_id")
        rows_insert(OrderEvent, rows_complete(OrderEvent, events))
        if on_progress is not None:
            on_progress(min(start + chunk_size, total), total)
    return numbers
