"""Checking an import sheet row by row: every row's outcome and every cell's error, and
what to write once it is confirmed. Nothing here writes."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from customers.models import Customer, PriceList
from customers.selectors import customers_visible_to
from inventory.models import Product, ProductCategory, StockLevel, Warehouse
from orders.imports.columns import (
    CUSTOMER_COLUMNS,
    OPENING_STOCK_COLUMNS,
    ORDER_COLUMNS,
    PRICE_RULE_COLUMNS,
    PRODUCT_COLUMNS,
    CellError,
    Column,
    parse_cell,
)
from orders.imports.models import ImportBatch
from orders.imports.reading import Sheet
from orders.models import SalesOrder

Kind = ImportBatch.Kind
HEADER_ROW = 1


def columns_for(kind: str) -> list[Column]:
    base = {
        Kind.ORDERS: ORDER_COLUMNS,
        Kind.CUSTOMERS: CUSTOMER_COLUMNS,
        Kind.PRODUCTS: PRODUCT_COLUMNS,
        Kind.PRICE_RULES: PRICE_RULE_COLUMNS,
        Kind.OPENING_STOCK: OPENING_STOCK_COLUMNS,
    }[kind]
    return list(base)


@dataclass
class Row:
    number: int
    values: dict
    raw: dict
    extra: dict = field(default_factory=dict)


@dataclass
class Plan:
    """Per row an outcome (create / update / error) and the errors of the whole sheet."""

    kind: str
    rows: list[Row] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    work: list = field(default_factory=list)  # what apply writes, per kind

    def error(self, row: int, column: str, value: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "value": value, "message": message})
        self.outcomes[row] = "error"

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _parse(sheet: Sheet, kind: str) -> Plan:
    columns = columns_for(kind)
    plan = Plan(kind=kind)
    by_key = {column.key: column for column in columns}
    present = {key for key in sheet.keys if key}
    for column in columns:
        if column.required and column.key not in present:
            plan.error(HEADER_ROW, column.header(), "", _("This column is missing."))
    for header, key in zip(sheet.headers, sheet.keys, strict=True):
        if key is None and header:
            plan.error(HEADER_ROW, header, header, _("Unknown column; see the template."))
    if plan.errors:
        return plan
    for number, cells in sheet.rows:
        values, raw = {}, {}
        for key, cell in zip(sheet.keys, cells, strict=True):
            if key is None:
                continue
            raw[key] = cell
            try:
                values[key] = parse_cell(by_key[key], cell)
            except CellError as exc:
                plan.error(number, by_key[key].header(), cell, str(exc))
        plan.rows.append(Row(number=number, values=values, raw=raw))
    if not plan.rows:
        plan.error(HEADER_ROW, "", "", _("The file has no data rows."))
    return plan


def plan_build(*, sheet: Sheet, kind: str, actor, channel=None) -> Plan:
    plan = _parse(sheet, kind)
    if not plan.rows:
        return plan
    {
        Kind.ORDERS: _plan_orders,
        Kind.CUSTOMERS: _plan_customers,
        Kind.PRODUCTS: _plan_products,
        Kind.PRICE_RULES: _plan_price_rules,
        Kind.OPENING_STOCK: _plan_opening_stock,
    }[kind](plan, actor, channel)
    for row in plan.rows:
        plan.outcomes.setdefault(row.number, "ok")
    return plan


def _header(column_key: str, columns: list[Column]) -> str:
    return next(column.header() for column in columns if column.key == column_key)


# ---------------------------------------------------------------- orders


@dataclass
class OrderWork:
    external_id: str
    customer: Customer
    warehouse: Warehouse
    header: dict
    lines: list[tuple[int, int, object]]  # (product id, quantity, unit price or None)
    rows: list[int]


ORDER_HEADER_FIELDS = [
    "customer",
    "warehouse",
    "requested_delivery_on",
    "customer_reference",
    "shipping_address",
    "note",
]


def _plan_orders(plan: Plan, actor, channel) -> None:
    col = lambda key: _header(key, ORDER_COLUMNS)  # noqa: E731
    groups: dict[str, list[Row]] = {}
    previous = None
    for row in plan.rows:
        external_id = row.values.get("external_id")
        if not external_id:
            continue
        if external_id in groups and previous != external_id:
            first = groups[external_id][0].number
            plan.error(
                row.number,
                col("external_id"),
                external_id,
                _("Order %(id)s appears again after other orders (first at row %(row)s).")
                % {"id": external_id, "row": first},
            )
            continue
        groups.setdefault(external_id, []).append(row)
        previous = external_id

    codes = {row.values["customer"] for row in plan.rows if row.values.get("customer")}
    customers = {
        c.code: c for c in customers_visible_to(Customer.objects.filter(code__in=codes), actor)
    }
    skus = {row.values["sku"] for row in plan.rows if row.values.get("sku")}
    products = Product.objects.filter(sku__in=skus, is_active=True).in_bulk(field_name="sku")
    warehouses = Warehouse.objects.in_bulk(field_name="code")
    new_line = _("New order %(id)s, line %(line)s")
    existing = (
        dict(
            SalesOrder.objects.filter(channel=channel, external_id__in=list(groups)).values_list(
                "external_id", "number"
            )
        )
        if channel is not None
        else {}
    )

    for external_id, rows in groups.items():
        first = rows[0]
        if external_id in existing:
            for row in rows:
                plan.error(
                    row.number,
                    col("external_id"),
                    external_id,
                    _("Already imported as order %(number)s.") % {"number": existing[external_id]},
                )
            continue
        header = {key: first.values.get(key) for key in ORDER_HEADER_FIELDS}
        for row in rows[1:]:
            for key in ORDER_HEADER_FIELDS:
                value = row.values.get(key)
                if value not in (None, header[key]):
                    plan.error(
                        row.number,
                        col(key),
                        row.raw.get(key, ""),
                        _("Differs from row %(row)s of the same order.") % {"row": first.number},
                    )
        customer = customers.get(header["customer"]) if header["customer"] else None
        if header["customer"] and customer is None:
            plan.error(
                first.number,
                col("customer"),
                header["customer"],
                _("No customer with this code that you may order for."),
            )
        elif customer is not None and not customer.is_active:
            plan.error(first.number, col("customer"), customer.code, _("The customer is inactive."))
        warehouse_code = header["warehouse"] or (
            customer.default_warehouse_code if customer else ""
        )
        warehouse = (
            warehouses.get(warehouse_code)
            if warehouse_code
            else next(iter(sorted(warehouses.values(), key=lambda w: w.code)), None)
        )
        if warehouse is None:
            plan.error(
                first.number, col("warehouse"), warehouse_code, _("No warehouse with this code.")
            )
        lines = []
        for row in rows:
            sku = row.values.get("sku")
            if sku and sku not in products:
                plan.error(row.number, col("sku"), sku, _("No active product with this SKU."))
            elif sku and row.values.get("quantity"):
                lines.append(
                    (products[sku].pk, row.values["quantity"], row.values.get("unit_price"))
                )
        if any(plan.outcomes.get(row.number) == "error" for row in rows):
            continue
        plan.work.append(
            OrderWork(
                external_id=external_id,
                customer=customer,
                warehouse=warehouse,
                header=header,
                lines=lines,
                rows=[row.number for row in rows],
            )
        )
        for index, row in enumerate(rows, start=1):
            plan.outcomes[row.number] = new_line % {"id": external_id, "line": index}


# ---------------------------------------------------------------- customers, products


def _duplicates_in_file(plan: Plan, key: str, header: str) -> set[int]:
    seen: dict = {}
    duplicates = set()
    for row in plan.rows:
        value = row.values.get(key)
        if value is None:
            continue
        if value in seen:
            plan.error(
                row.number,
                header,
                row.raw.get(key, ""),
                _("Also on row %(row)s of this file.") % {"row": seen[value]},
            )
            duplicates.add(row.number)
        else:
            seen[value] = row.number
    return duplicates


def _plan_customers(plan: Plan, actor, channel) -> None:
    _duplicates_in_file(plan, "code", _header("code", CUSTOMER_COLUMNS))
    existing = Customer.objects.in_bulk(
        [row.values["code"] for row in plan.rows if row.values.get("code")], field_name="code"
    )
    tiers = set(Customer.Tier.values)
    for row in plan.rows:
        if plan.outcomes.get(row.number) == "error":
            continue
        tier = row.values.get("tier")
        if tier and tier not in tiers:
            plan.error(row.number, _header("tier", CUSTOMER_COLUMNS), tier, _("A, B or C."))
            continue
        fields = {
            key: value for key, value in row.values.items() if key != "code" and value is not None
        }
        customer = existing.get(row.values["code"])
        plan.work.append((row.values["code"], customer.pk if customer else None, fields))
        plan.outcomes[row.number] = _("Update") if customer else _("New")


def _plan_products(plan: Plan, actor, channel) -> None:
    _duplicates_in_file(plan, "sku", _header("sku", PRODUCT_COLUMNS))
    categories = ProductCategory.objects.in_bulk(field_name="code")
    existing = set(
        Product.objects.filter(
            sku__in=[row.values["sku"] for row in plan.rows if row.values.get("sku")]
        ).values_list("sku", flat=True)
    )
    for row in plan.rows:
        if plan.outcomes.get(row.number) == "error":
            continue
        fields = {
            key: value
            for key, value in row.values.items()
            if key not in ("sku", "category") and value is not None
        }
        category = row.values.get("category")
        if category:
            if category not in categories:
                plan.error(
                    row.number,
                    _header("category", PRODUCT_COLUMNS),
                    category,
                    _("No category with this code."),
                )
                continue
            fields["category"] = categories[category]
        plan.work.append((row.values["sku"], fields))
        plan.outcomes[row.number] = _("Update") if row.values["sku"] in existing else _("New")


def _plan_price_rules(plan: Plan, actor, channel) -> None:
    columns = PRICE_RULE_COLUMNS
    lists = PriceList.objects.in_bulk(field_name="name")
    skus = set(Product.objects.values_list("sku", flat=True))
    categories = set(ProductCategory.objects.values_list("code", flat=True))
    seen: dict = {}
    for row in plan.rows:
        if plan.outcomes.get(row.number) == "error":
            continue
        values = row.values
        price_list = lists.get(values["price_list"])
        if price_list is None:
            plan.error(
                row.number,
                _header("price_list", columns),
                values["price_list"],
                _("No price list with this name."),
            )
            continue
        sku, category = values.get("sku") or "", values.get("category") or ""
        if bool(sku) == bool(category):
            plan.error(row.number, _header("sku", columns), sku, _("Give a SKU or a category."))
            continue
        if sku and sku not in skus:
            plan.error(row.number, _header("sku", columns), sku, _("No product with this SKU."))
            continue
        if category and category not in categories:
            plan.error(
                row.number, _header("category", columns), category, _("No category with this code.")
            )
            continue
        fixed, discount = values.get("fixed_price"), values.get("discount_percent")
        if (fixed is None) == (discount is None):
            plan.error(
                row.number,
                _header("fixed_price", columns),
                row.raw.get("fixed_price", ""),
                _("Give a fixed price or a discount %, not both."),
            )
            continue
        if discount is not None and discount > 100:
            plan.error(
                row.number,
                _header("discount_percent", columns),
                row.raw.get("discount_percent", ""),
                _("At most 100."),
            )
            continue
        valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            plan.error(
                row.number,
                _header("valid_to", columns),
                row.raw.get("valid_to", ""),
                _("Before the start date."),
            )
            continue
        key = (price_list.pk, sku, category, values.get("min_quantity") or 1)
        if key in seen:
            plan.error(
                row.number,
                _header("name", columns),
                values["name"],
                _("Also on row %(row)s of this file.") % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        plan.work.append((price_list, sku, category, values))
        plan.outcomes[row.number] = _("New or updated rule")


def _plan_opening_stock(plan: Plan, actor, channel) -> None:
    columns = OPENING_STOCK_COLUMNS
    products = Product.objects.in_bulk(field_name="sku")
    warehouses = Warehouse.objects.in_bulk(field_name="code")
    stocked = set(
        StockLevel.objects.filter(on_hand__gt=0).values_list("product__sku", "warehouse__code")
    )
    seen: dict = {}
    for row in plan.rows:
        if plan.outcomes.get(row.number) == "error":
            continue
        sku, code = row.values["sku"], row.values["warehouse"]
        if sku not in products:
            plan.error(row.number, _header("sku", columns), sku, _("No product with this SKU."))
            continue
        if code not in warehouses:
            plan.error(
                row.number, _header("warehouse", columns), code, _("No warehouse with this code.")
            )
            continue
        if (sku, code) in seen:
            plan.error(
                row.number,
                _header("sku", columns),
                sku,
                _("Also on row %(row)s of this file.") % {"row": seen[(sku, code)]},
            )
            continue
        if (sku, code) in stocked:
            plan.error(
                row.number,
                _header("quantity", columns),
                row.raw["quantity"],
                _("This product already has stock in this warehouse."),
            )
            continue
        seen[(sku, code)] = row.number
        plan.work.append((products[sku].pk, warehouses[code].pk, row.values["quantity"]))
        plan.outcomes[row.number] = _("Opening stock")


def errors_by_row(errors: list[dict]) -> dict[int, list[dict]]:
    grouped = defaultdict(list)
    for error in errors:
        grouped[error["row"]].append(error)
    return grouped
