"""The columns of each import type: key, English and Chinese header, type, required."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazy; English source text, Chinese from the catalogue
    kind: str = "text"  # text | int | decimal | date | bool
    required: bool = False
    max_length: int = 200

    def aliases(self) -> set[str]:
        def norm(text: str) -> str:
            return str(text).strip().lower().replace(" ", "").replace("_", "")

        with translation.override("en"):
            english = norm(self.label)
        with translation.override("zh-hans"):
            chinese = norm(self.label)
        return {norm(self.key), english, chinese}

    def header(self) -> str:
        return str(self.label)


class CellError(ValueError):
    pass


def parse_cell(column: Column, raw: str):
    """The cell's value in the column's type; CellError with a translated message."""
    text = raw.strip()
    if not text:
        if column.required:
            raise CellError(_("This column is required."))
        return None
    if column.kind == "text":
        if text.startswith(FORMULA_STARTS):
            raise CellError(_("Text may not start with = + - or @ (a spreadsheet formula)."))
        if len(text) > column.max_length:
            raise CellError(_("At most %(n)s characters.") % {"n": column.max_length})
        return text
    if column.kind == "int":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise CellError(_("Not a number.")) from exc
        if number != number.to_integral_value() or number <= 0:
            raise CellError(_("A whole number above zero."))
        return int(number)
    if column.kind == "decimal":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise CellError(_("Not a number.")) from exc
        if not number.is_finite() or number < 0:
            raise CellError(_("A number of zero or more."))
        if number != round(number, 2) or number >= Decimal("1e12"):
            raise CellError(_("At most two decimals and below 1,000,000,000,000."))
        return number
    if column.kind == "date":
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date)
            except ValueError:
                continue
        raise CellError(_("Not a date (write 2026-03-31)."))
    if column.kind == "bool":
        lowered = text.lower()
        if lowered in ("1", "yes", "y", "true", "是"):
            return True
        if lowered in ("0", "no", "n", "false", "否"):
            return False
        raise CellError(_("Write yes or no."))
    raise AssertionError(column.kind)


L = gettext_lazy

ORDER_COLUMNS = [
    Column("external_id", L("External order number"), required=True, max_length=60),
    Column("customer", L("Customer code"), required=True, max_length=20),
    Column("sku", L("SKU"), required=True, max_length=40),
    Column("quantity", L("Quantity"), kind="int", required=True),
    Column("unit_price", L("Unit price"), kind="decimal"),
    Column("warehouse", L("Warehouse code"), max_length=20),
    Column("requested_delivery_on", L("Requested delivery date"), kind="date"),
    Column("customer_reference", L("Customer PO number"), max_length=60),
    Column("shipping_address", L("Shipping address"), max_length=1000),
    Column("note", L("Note"), max_length=2000),
]

CUSTOMER_COLUMNS = [
    Column("code", L("Customer code"), required=True, max_length=20),
    Column("name", L("Customer name"), required=True, max_length=200),
    Column("tax_id", L("Tax ID"), max_length=30),
    Column("tier", L("Tier"), max_length=1),
    Column("currency", L("Currency"), max_length=3),
    Column("payment_terms_days", L("Payment terms (days)"), kind="int"),
    Column("credit_limit_amount", L("Credit limit"), kind="decimal"),
    Column("contact_name", L("Contact"), max_length=100),
    Column("phone", L("Phone"), max_length=40),
    Column("email", L("E-mail"), max_length=254),
    Column("address", L("Address"), max_length=300),
]

PRODUCT_COLUMNS = [
    Column("sku", L("SKU"), required=True, max_length=40),
    Column("name", L("Product name"), required=True, max_length=200),
    Column("category", L("Category code"), max_length=20),
    Column("unit", L("Unit"), max_length=20),
    Column("list_price_amount", L("List price"), kind="decimal", required=True),
    Column("cost_amount", L("Cost"), kind="decimal"),
    Column("reorder_point", L("Reorder point"), kind="int"),
]

PRICE_RULE_COLUMNS = [
    Column("price_list", L("Price list"), required=True, max_length=100),
    Column("name", L("Rule name"), required=True, max_length=100),
    Column("sku", L("SKU"), max_length=40),
    Column("category", L("Category code"), max_length=20),
    Column("min_quantity", L("From quantity"), kind="int"),
    Column("fixed_price", L("Fixed price"), kind="decimal"),
    Column("discount_percent", L("Discount %"), kind="decimal"),
    Column("valid_from", L("Valid from"), kind="date"),
    Column("valid_to", L("Valid to"), kind="date"),
]

OPENING_STOCK_COLUMNS = [
    Column("sku", L("SKU"), required=True, max_length=40),
    Column("warehouse", L("Warehouse code"), required=True, max_length=20),
    Column("quantity", L("Quantity"), kind="int", required=True),
]
