"""The bulk confirm of an order import gives the same business result as creating the
orders one by one through order_create: the same numbers, lines, prices, amounts, history
and timeline, and, once the drafts are submitted, the same reservations, backorders,
credit exposure and approval steps. Its statements do not grow with the orders."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from customers.models import Customer, PriceList, PriceRule
from inventory.models import StockLevel
from orders.errors import DuplicateExternalOrder
from orders.imports.models import ImportBatch
from orders.imports.plans import columns_for, plan_build
from orders.imports.processing import import_channel, import_confirm, import_progress
from orders.imports.reading import sheet_read
from orders.imports.services import import_confirm_start, import_orders_submit, import_upload
from orders.models import ApprovalStep, LineReservation, OrderEvent, SalesOrder, SalesOrderLine
from orders.services import LineInput, order_create
from orders.services.bulk_intake import DraftOrderInput, orders_create_bulk
from tests.conftest import stocked_product
from tests.factories import CategoryFactory, CustomerFactory, TeamFactory, WarehouseFactory

Status = ImportBatch.Status

HEADER = (
    "External order number,Customer code,SKU,Quantity,Unit price,Warehouse code,"
    "Requested delivery date,Customer PO number,Shipping address,Note"
)


@pytest.fixture
def world(users, warehouse):
    """Customers of three tiers and two currencies, products of two VAT rates and none,
    price rules of every kind (SKU and category, tier, customer, promotion, graduated,
    expired), and stock short enough that some lines are backordered."""
    north = WarehouseFactory(code="BJ", name="北京仓")
    team = TeamFactory(name="East")
    general = CategoryFactory(code="GEN", vat_rate=Decimal("0.1300"))
    food = CategoryFactory(code="FOOD", name="食品", vat_rate=Decimal("0.0900"))
    rep = users["sales"]
    customers = {
        "A": CustomerFactory(
            code="CA", tier="A", team=team, sales_rep=rep, credit_limit_amount=Decimal("1e6")
        ),
        "B": CustomerFactory(code="CB", tier="B", sales_rep=rep, credit_limit_amount=Decimal(500)),
        "U": CustomerFactory(
            code="CU", tier="C", currency="USD", sales_rep=rep, credit_limit_amount=Decimal("1e6")
        ),
    }
    products = {
        "bolt": stocked_product(warehouse, 30, category=general, list_price_amount=Decimal(100)),
        "tea": stocked_product(warehouse, 5, category=food, list_price_amount=Decimal("35.50")),
        "pump": stocked_product(north, 10, category=None, list_price_amount=Decimal("999.99")),
        "nut": stocked_product(
            warehouse, 1000, category=general, list_price_amount=Decimal("12.34")
        ),
    }
    default = PriceList.objects.create(name="Default", kind="default")
    tier_a = PriceList.objects.create(name="Tier A", kind="tier", tier="A")
    own = PriceList.objects.create(name="CB contract", kind="customer", customer=customers["B"])
    promotion = PriceList.objects.create(name="Tea week", kind="default", is_promotion=True)
    dollars = PriceList.objects.create(name="USD", kind="default", currency="USD")
    rule = PriceRule.objects.create
    rule(price_list=default, name="Bolt", product_sku=products["bolt"].sku, basis="fixed_price",
         fixed_price_amount=Decimal(90))  # fmt: skip
    rule(price_list=default, name="General -10%", category_code="GEN", basis="discount_percent",
         discount_percent=Decimal(10))  # fmt: skip
    rule(price_list=tier_a, name="A bolt 1+", product_sku=products["bolt"].sku,
         basis="fixed_price", fixed_price_amount=Decimal(88), break_mode="graduated")  # fmt: skip
    rule(price_list=tier_a, name="A bolt 10+", product_sku=products["bolt"].sku, min_quantity=10,
         basis="fixed_price", fixed_price_amount=Decimal(80), break_mode="graduated")  # fmt: skip
    rule(price_list=own, name="CB nuts 5+", product_sku=products["nut"].sku, min_quantity=5,
         basis="discount_percent", discount_percent=Decimal("20.5"))  # fmt: skip
    rule(price_list=promotion, name="Tea promo", product_sku=products["tea"].sku,
         basis="fixed_price", fixed_price_amount=Decimal("30.00"))  # fmt: skip
    rule(price_list=dollars, name="Bolt USD", product_sku=products["bolt"].sku,
         basis="fixed_price", fixed_price_amount=Decimal("15.25"))  # fmt: skip
    rule(price_list=default, name="Old nut price", product_sku=products["nut"].sku,
         basis="fixed_price", fixed_price_amount=Decimal(1), priority=9,
         valid_to=datetime.date(2020, 1, 1))  # fmt: skip
    bolt, tea, pump, nut = (products[key].sku for key in ("bolt", "tea", "pump", "nut"))
    rows = [
        f"E-1,CA,{bolt},12,,SH,2026-12-01,PO-1,上海市 1 号,first",
        f"E-1,CA,{tea},3,,SH,,,,",
        f"E-1,CA,{pump},2,,SH,,,,",
        f"E-2,CB,{nut},6,,,,,,",
        f"E-2,CB,{bolt},1,70.00,,,,,",
        f"E-3,CU,{bolt},2,,SH,,PO-3,,",
        f"E-3,CU,{nut},1,,SH,,,,",
        f"E-4,CA,{tea},10,,SH,,,,",
        f"E-4,CA,{nut},2,,SH,,,,",
        f"E-5,CB,{pump},1,999.99,BJ,,,,",
        f"E-6,CA,{bolt},30,,BJ,2027-01-15,,,priority",
        f"E-7,CA,{nut},3,12.30,SH,,,,",
    ]
    return {"customers": customers, "content": ("\n".join([HEADER, *rows]) + "\n").encode()}


def _import_one_by_one(batch: ImportBatch) -> None:
    """The confirm step as it was before the bulk path: order_create per order."""
    actor = batch.created_by
    channel = import_channel(actor=actor)
    sheet = sheet_read(bytes(batch.content), columns_for(batch.kind))
    plan = plan_build(sheet=sheet, kind=batch.kind, actor=actor, channel=channel)
    assert plan.is_valid, plan.errors
    numbers = [
        order_create(
            actor=actor,
            customer=work.customer,
            warehouse=work.warehouse,
            lines=[
                LineInput(product_id=product_id, quantity=quantity, unit_price=price)
                for product_id, quantity, price in work.lines
            ],
            requested_delivery_on=work.header["requested_delivery_on"],
            customer_reference=work.header["customer_reference"] or "",
            note=work.header["note"] or "",
            channel=channel,
            external_id=work.external_id,
            shipping_address=work.header["shipping_address"] or "",
        ).number
        for work in plan.work
    ]
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.DONE, result={"orders": numbers, "created": len(numbers)}
    )


def _snapshot() -> dict:
    """Every business fact of the imported orders, keyed by number (ids and times differ)."""
    orders = {
        row["number"]: row
        for row in SalesOrder.objects.values(
            "number",
            "external_id",
            "customer__code",
            "warehouse__code",
            "sales_rep__username",
            "team__name",
            "status",
            "currency",
            "order_date",
            "requested_delivery_on",
            "customer_reference",
            "note",
            "shipping_address",
            "is_priority",
            "tax_rate",
            "lines_amount",
            "discount_amount",
            "tax_amount",
            "total_amount",
            "channel__code",
            "version",
            "custom_fields",
            "approval_reason",
            "held_from_status",
        )  # fmt: skip
    }
    lines = list(
        SalesOrderLine.objects.order_by("order__number", "line_no").values_list(
            "order__number",
            "line_no",
            "product__sku",
            "quantity",
            "unit_price_amount",
            "list_price_amount",
            "discount_percent",
            "price_rule_name",
            "lines_amount",
            "discount_amount",
            "net_amount",
            "tax_amount",
            "tax_rate",
            "quantity_backordered",
        )  # fmt: skip
    )
    order_history = sorted(
        SalesOrder.history.values_list(
            "number", "history_type", "status", "total_amount", "customer_id", "external_id"
        )
    )
    line_history = sorted(
        SalesOrderLine.history.values_list(
            "order__number",
            "line_no",
            "history_type",
            "quantity",
            "unit_price_amount",
            "net_amount",
            "history_user__username",
        )  # fmt: skip
    )
    events = list(
        OrderEvent.objects.order_by("order__number", "pk").values_list(
            "order__number",
            "action",
            "from_status",
            "to_status",
            "actor__username",
            "comment",
            "payload",
        )  # fmt: skip
    )
    reservations = sorted(
        LineReservation.objects.values_list(
            "line__order__number", "line__line_no", "product__sku", "warehouse__code", "quantity"
        )
    )
    steps = list(
        ApprovalStep.objects.order_by("order__number", "level", "pk").values_list(
            "order__number",
            "level",
            "reason",
            "rule_names",
            "approver_group__name",
            "quorum",
            "required_approvals",
            "status",
        )  # fmt: skip
    )
    stock = sorted(
        StockLevel.objects.values_list(
            "product__sku", "warehouse__code", "on_hand", "reserved", "backordered"
        )
    )
    exposure = sorted(
        Customer.objects.values_list(
            "code", "open_order_amount", "receivable_amount", "unallocated_payment_amount"
        )
    )
    return {
        "orders": orders,
        "lines": lines,
        "order_history": order_history,
        "line_history": line_history,
        "events": events,
        "reservations": reservations,
        "steps": steps,
        "stock": stock,
        "exposure": exposure,
    }


def _state_after_import(users, content: bytes, *, bulk: bool) -> tuple[dict, dict]:
    """Import (and then submit) the file in a fresh state that is rolled back afterwards."""
    with transaction.atomic():
        batch = import_upload(
            kind=ImportBatch.Kind.ORDERS, file_name="o.csv", content=content, actor=users["sales"]
        )
        assert batch.status == Status.READY, batch.errors
        if bulk:
            import_confirm_start(batch_id=batch.pk, actor=users["sales"])
            assert import_confirm(batch_id=batch.pk).status == Status.DONE
        else:
            _import_one_by_one(batch)
        imported = _snapshot()
        result = import_orders_submit(batch_id=batch.pk, actor=users["sales"])
        assert result.refused == []
        submitted = _snapshot()
        transaction.set_rollback(True)
    return imported, submitted


def test_bulk_confirm_gives_the_same_orders_as_one_by_one_creation(users, world):
    one_by_one, one_by_one_submitted = _state_after_import(users, world["content"], bulk=False)
    bulk, bulk_submitted = _state_after_import(users, world["content"], bulk=True)

    assert len(bulk["orders"]) == 7 and len(bulk["lines"]) == 12
    assert bulk == one_by_one
    assert bulk_submitted == one_by_one_submitted
    # The data exercise what they claim to: every price source, both VAT rates and none,
    # backorders, a credit finance step, approvals and straight approvals.
    prices = {(number, line_no): row for number, line_no, *row in bulk["lines"]}
    rule_names = {row[5] for row in prices.values()}
    assert rule_names == {"", "A bolt 10+", "Tea promo", "General -10%", "CB nuts 5+", "Bolt USD"}
    assert {row[10] for row in prices.values()} == {
        Decimal("0.1300"),
        Decimal("0.0900"),
    }
    first = min(bulk["orders"])
    # Graduated: 9 units at 88 and 3 at 80.
    assert prices[(first, 1)][2:4] == [Decimal("86.00"), Decimal("100.00")]
    assert any(row[11] for row in (line[1:] for line in bulk_submitted["lines"]))
    statuses = {row["status"] for row in bulk_submitted["orders"].values()}
    assert statuses == {"pending_approval", "approved"}
    assert any("finance" == step[4] for step in bulk_submitted["steps"])
    assert bulk_submitted["reservations"] != []


def test_bulk_confirm_records_the_uploader_in_the_order_history(users, world):
    batch = import_upload(
        kind=ImportBatch.Kind.ORDERS,
        file_name="o.csv",
        content=world["content"],
        actor=users["sales"],
    )
    import_confirm_start(batch_id=batch.pk, actor=users["sales"])
    import_confirm(batch_id=batch.pk)

    assert set(SalesOrder.history.values_list("history_user__username", flat=True)) == {"sales"}
    assert set(SalesOrderLine.history.values_list("history_user__username", flat=True)) == {"sales"}


def _inputs(customer, warehouse, products, count: int, prefix: str = "B") -> list[DraftOrderInput]:
    return [
        DraftOrderInput(
            customer=customer,
            warehouse=warehouse,
            lines=[LineInput(product_id=product.pk, quantity=index + 1) for product in products],
            external_id=f"{prefix}-{index}",
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_bulk_creation_statements_do_not_grow_with_the_orders(
    users, customer, warehouse, products, django_assert_num_queries, count
):
    channel = import_channel(actor=users["sales"])
    orders = _inputs(customer, warehouse, products, count)
    # savepoint, products, price rules, number block, order ids; per chunk: savepoint,
    # orders, release, order history, lines, line history, events; release.
    with django_assert_num_queries(13):
        numbers = orders_create_bulk(actor=users["sales"], orders=orders, channel=channel)

    assert len(numbers) == len(set(numbers)) == count
    assert SalesOrderLine.objects.count() == 3 * count
    assert OrderEvent.objects.filter(action=OrderEvent.Action.CREATED).count() == count


def test_progress_is_reported_after_each_chunk(users, customer, warehouse, products):
    seen = []
    orders_create_bulk(
        actor=users["sales"],
        orders=_inputs(customer, warehouse, products, 5),
        on_progress=lambda done, total: seen.append((done, total)),
        chunk_size=2,
    )

    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_an_import_in_chunks_ends_at_full_progress(users, customer, products, monkeypatch):
    monkeypatch.setattr("orders.services.bulk_intake.CHUNK_ORDERS", 2)
    rows = [f"P-{index},{customer.code},{products[0].sku},1,,SH,,,," for index in range(5)]
    batch = import_upload(
        kind=ImportBatch.Kind.ORDERS,
        file_name="o.csv",
        content=("\n".join([HEADER, *rows]) + "\n").encode(),
        actor=users["sales"],
    )
    import_confirm_start(batch_id=batch.pk, actor=users["sales"])
    assert import_progress(batch_id=batch.pk) == 0

    batch = import_confirm(batch_id=batch.pk)

    assert batch.status == Status.DONE and batch.result["created"] == 5
    assert import_progress(batch_id=batch.pk) == 100


def test_an_external_number_taken_meanwhile_refuses_the_whole_chunk(
    users, customer, warehouse, products
):
    channel = import_channel(actor=users["sales"])
    [taken] = orders_create_bulk(
        actor=users["sales"], orders=_inputs(customer, warehouse, products, 1), channel=channel
    )
    before = SalesOrder.objects.count()

    with pytest.raises(DuplicateExternalOrder) as refused:
        orders_create_bulk(
            actor=users["sales"], orders=_inputs(customer, warehouse, products, 3), channel=channel
        )

    assert refused.value.params == {"external_id": "B-0", "number": taken}
    assert SalesOrder.objects.count() == before
