"""The columns of each import type: key, English and Chinese header, type, required."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_LIMIT = Decimal("1e12")
CENT = Decimal("0.01")


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
        if text.isdecimal() and text.isascii():  # the usual case: plain digits
            if int(text) <= 0:
                raise CellError(_("A whole number above zero."))
            return int(text)
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
        exponent = number.as_tuple().exponent
        if number >= AMOUNT_LIMIT or (exponent < -2 and number != number.quantize(CENT)):
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


ORDER_COLUMNS = [
    Column("external_id", gettext_lazy("External order number"), required=True, max_length=60),
    Column("customer", gettext_lazy("Customer code"), required=True, max_length=20),
    Column("sku", gettext_lazy("SKU"), required=True, max_length=40),
    Column("quantity", gettext_lazy("Quantity"), kind="int", required=True),
    Column("unit_price", gettext_lazy("Unit price"), kind="decimal"),
    Column("warehouse", gettext_lazy("Warehouse code"), max_length=20),
    Column("requested_delivery_on", gettext_lazy("Requested delivery date"), kind="date"),
    Column("customer_reference", gettext_lazy("Customer PO number"), max_length=60),
    Column("shipping_address", gettext_lazy("Shipping address"), max_length=1000),
    Column("note", gettext_lazy("Note"), max_length=2000),
]

CUSTOMER_COLUMNS = [
    Column("code", gettext_lazy("Customer code"), required=True, max_length=20),
    Column("name", gettext_lazy("Customer name"), required=True, max_length=200),
    Column("tax_id", gettext_lazy("Tax ID"), max_length=30),
    Column("tier", gettext_lazy("Tier"), max_length=1),
    Column("currency", gettext_lazy("Currency"), max_length=3),
    Column("payment_terms_days", gettext_lazy("Payment terms (days)"), kind="int"),
    Column("credit_limit_amount", gettext_lazy("Credit limit"), kind="decimal"),
    Column("contact_name", gettext_lazy("Contact"), max_length=100),
    Column("phone", gettext_lazy("Phone"), max_length=40),
    Column("email", gettext_lazy("E-mail"), max_length=254),
    Column("address", gettext_lazy("Address"), max_length=300),
]

PRODUCT_COLUMNS = [
    Column("sku", gettext_lazy("SKU"), required=True, max_length=40),
    Column("name", gettext_lazy("Product name"), required=True, max_length=200),
    Column("category", gettext_lazy("Category code"), max_length=20),
    Column("unit", gettext_lazy("Unit"), max_length=20),
    Column("list_price_amount", gettext_lazy("List price"), kind="decimal", required=True),
    Column("cost_amount", gettext_lazy("Cost"), kind="decimal"),
    Column("reorder_point", gettext_lazy("Reorder point"), kind="int"),
]

PRICE_RULE_COLUMNS = [
    Column("price_list", gettext_lazy("Price list"), required=True, max_length=100),
    Column("name", gettext_lazy("Rule name"), required=True, max_length=100),
    Column("sku", gettext_lazy("SKU"), max_length=40),
    Column("category", gettext_lazy("Category code"), max_length=20),
    Column("min_quantity", gettext_lazy("From quantity"), kind="int"),
    Column("fixed_price", gettext_lazy("Fixed price"), kind="decimal"),
    Column("discount_percent", gettext_lazy("Discount %"), kind="decimal"),
    Column("valid_from", gettext_lazy("Valid from"), kind="date"),
    Column("valid_to", gettext_lazy("Valid to"), kind="date"),
]

OPENING_STOCK_COLUMNS = [
    Column("sku", gettext_lazy("SKU"), required=True, max_length=40),
    Column("warehouse", gettext_lazy("Warehouse code"), required=True, max_length=20),
    Column("quantity", gettext_lazy("Quantity"), kind="int", required=True),
]
