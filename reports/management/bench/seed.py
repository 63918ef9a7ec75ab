"""`seed_bench`: master data through the ORM, then orders and their documents set-wise.

Orders are rows g = 1..N of generate_series, spread evenly over three years (oldest first);
every attribute of an order and of its lines is a pure function of g (and the line number l),
so lines, shipments, invoices and payments are written with explicit ids without joins:

    order id     = order_base + g           shipment/invoice/payment id = base + g
    line id      = line_base + (g-1)*20 + l (an order has at most 20 lines)

Orders older than 45 days are closed (shipped, invoiced, paid), cancelled, or shipped and
still owed (the receivables); recent ones are in every open state. The stock ledger, the
reservations, the customers' exposure figures and the number sequences are made to agree
with the documents, so the invariants hold and the app keeps working afterwards.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction

from customers.models import Customer
from finance.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from inventory.models import Carrier, Product, ProductCategory, StockLevel, StockMove, Warehouse
from opms.accounts.models import Team, User
from opms.core.models import DocumentSequence
from opms.core.numbering import document_sequences_settle
from orders.models import (
    ApprovalStep,
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)
from reports.management.bench.sql import (
    insert_select,
    max_id,
    secondary_indexes,
    sequence_catch_up,
)

PASSWORD = "opms-bench"
# A million orders get 5,000 products and 20,000 customers; smaller runs proportionally
# fewer (at least 50 and 100), so a quick run or a test seeds in seconds.
PRODUCTS = 5000
CUSTOMERS = 20000
REPS = 50
TEAMS = 5
WAREHOUSES = 3
MAX_LINES = 20
YEARS = 3
# Stride through the product list, coprime with its length, so an order's lines are distinct.
PRODUCT_STRIDE = 4729


def _stride(products: int) -> int:
    stride = PRODUCT_STRIDE
    while math.gcd(stride, products) != 1 or stride % products == 0:
        stride += 2
    return stride


BIG_TABLES = [
    SalesOrder,
    SalesOrderLine,
    OrderEvent,
    Shipment,
    ShipmentLine,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
]


@dataclass
class Bases:
    order: int
    line: int
    shipment: int
    shipment_line: int
    invoice: int
    invoice_line: int
    payment: int


def seed_bench(*, orders: int, write: Callable[[str], None]) -> dict:
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def step(name: str, function: Callable[[], object]):
        began = time.perf_counter()
        result = function()
        timings[name] = round(time.perf_counter() - began, 1)
        write(f"  {name}: {timings[name]} s" + (f" ({result} rows)" if result else ""))
        return result

    write("master data …")
    masters = master_data_ensure(
        products=min(PRODUCTS, max(50, orders // 200)),
        customers=min(CUSTOMERS, max(100, orders // 50)),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # Skip the per-row foreign-key triggers (as pg_restore --disable-triggers does);
        # foreign_keys_check verifies the keys set-wise at the end instead.
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Numbers taken since the last seed live in their sequences; the plan reads the rows.
        document_sequences_settle()
        _temp_tables(masters)
        dropped = []
        for model in BIG_TABLES:
            for name, definition in secondary_indexes(model._meta.db_table):
                cursor.execute(f'DROP INDEX "{name}"')
                dropped.append(definition)
        bases = Bases(
            order=max_id(SalesOrder),
            line=max_id(SalesOrderLine),
            shipment=max_id(Shipment),
            shipment_line=max_id(ShipmentLine),
            invoice=max_id(Invoice),
            invoice_line=max_id(InvoiceLine),
            payment=max_id(Payment),
        )
        step("order plan", lambda: _order_plan(orders, bases))
        step("orders", lambda: _orders(bases))
        step("order lines", lambda: _lines(bases))
        step("reservations and approval steps", lambda: _reservations(bases, masters))
        step("events", lambda: _events(masters))
        step("shipments", lambda: _shipments(bases, masters))
        step("invoices", lambda: _invoices(bases, masters))
        step("payments", lambda: _payments(bases, masters))
        step("stock ledger", lambda: _stock(masters))
        step("customer figures", _customer_figures)
        step("numbering", _numbering)
        document_sequences_settle()

        def rebuild():
            for definition in dropped:
                cursor.execute(definition)
            return len(dropped)

        step("indexes", rebuild)
        cursor.execute("SET LOCAL session_replication_role = origin")
        step(
            "foreign keys checked",
            lambda: foreign_keys_check([*BIG_TABLES, LineReservation, ApprovalStep, StockMove]),
        )
        for model in [*BIG_TABLES, LineReservation, ApprovalStep, StockMove]:
            sequence_catch_up(model)
    step("analyze", _analyze)
    timings["total"] = round(time.perf_counter() - started, 1)
    return timings


@dataclass
class Masters:
    warehouse_ids: list[int]
    carrier_id: int
    warehouse_user_id: int
    finance_user_id: int
    approver_group_id: int


def master_data_ensure(*, products: int = PRODUCTS, customers: int = CUSTOMERS) -> Masters:
    """Users, teams, warehouses, products and customers with a BENCH- code (idempotent)."""
    groups = {group.name: group for group in Group.objects.all()}
    teams = [Team.objects.get_or_create(name=f"Bench team {n}")[0] for n in range(1, TEAMS + 1)]
    password = make_password(PASSWORD)

    def user(username, role, team=None):
        found, created = User.objects.get_or_create(
            username=username, defaults={"password": password, "team": team}
        )
        if created:
            found.groups.add(groups[role])
        return found

    for role in ("approver", "manager", "purchasing"):
        user(f"bench-{role}", role)
    warehouse_user = user("bench-warehouse", "warehouse")
    finance_user = user("bench-finance", "finance")
    reps = [user(f"bench-sales-{n:02d}", "sales", teams[n % TEAMS]) for n in range(REPS)]

    warehouses = [
        Warehouse.objects.get_or_create(code=f"BW{n}", defaults={"name": f"Bench warehouse {n}"})[0]
        for n in range(WAREHOUSES)
    ]
    carrier = Carrier.objects.get_or_create(code="BENCH", defaults={"name": "Bench carrier"})[0]
    categories = [
        ProductCategory.objects.get_or_create(code=f"BC{n:02d}", defaults={"name": f"Bench {n}"})[0]
        for n in range(20)
    ]
    if not Product.objects.filter(sku__startswith="BENCH-P-").exists():
        Product.objects.bulk_create(
            Product(
                sku=f"BENCH-P-{n:05d}",
                name=f"Bench product {n:05d}",
                category=categories[n % len(categories)],
                list_price_amount=Decimal(5 + (n * 37) % 995) + Decimal("0.50"),
            )
            for n in range(products)
        )
    if not Customer.objects.filter(code__startswith="BENCH-C-").exists():
        Customer.objects.bulk_create(
            (
                Customer(
                    code=f"BENCH-C-{n:05d}",
                    name=f"Bench customer {n:05d}",
                    tier="ABC"[n % 3],
                    payment_terms_days=(30, 60, 90)[n % 3],
                    credit_limit_amount=Decimal("100000000.00"),
                    sales_rep=reps[n % REPS],
                    team=reps[n % REPS].team,
                )
                for n in range(customers)
            ),
            batch_size=2000,
        )
    return Masters(
        warehouse_ids=[w.pk for w in warehouses],
        carrier_id=carrier.pk,
        warehouse_user_id=warehouse_user.pk,
        finance_user_id=finance_user.pk,
        approver_group_id=groups["approver"].pk,
    )


def _execute(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _temp_tables(masters: Masters) -> None:
    _execute(
        "CREATE TEMP TABLE bench_p ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY id)) - 1"
        " AS k, id, sku, name, list_price_amount AS price FROM inventory_product"
        " WHERE sku LIKE 'BENCH-P-%%'"
    )
    _execute("CREATE UNIQUE INDEX ON bench_p (k)")
    _execute(
        "CREATE TEMP TABLE bench_c ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY id)) - 1"
        " AS k, id, sales_rep_id, team_id, tier, payment_terms_days AS terms"
        " FROM customers_customer WHERE code LIKE 'BENCH-C-%%'"
    )
    _execute("CREATE UNIQUE INDEX ON bench_c (k)")
    _execute(
        "CREATE TEMP TABLE bench_w ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[])"
        " WITH ORDINALITY AS w(id, k)",
        [masters.warehouse_ids],
    )


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our temp tables
        return cursor.fetchone()[0]


def _order_plan(orders: int, bases: Bases) -> int:
    """One row per order: who, where, when, which state, how many lines, its number."""
    products = _count("bench_p")
    count = _execute(
        """
        CREATE TEMP TABLE bench_o ON COMMIT DROP AS
        WITH raw AS (
          SELECT g,
                 now() - make_interval(secs => (%(n)s - g)::float8 * %(span)s / %(n)s
                                               + (g %% 3600)) AS created_at,
                 ((%(n)s - g)::float8 * %(days)s / %(n)s) AS age_days,
                 (g * 2654435761) %% 100 AS h,
                 CASE WHEN g %% 1000 = 0 THEN 20 ELSE 1 + (g * 7) %% 9 END AS n_lines,
                 (g * 7907) %% %(customers)s AS ck,
                 CASE WHEN g %% 10 < 6 THEN 1 WHEN g %% 10 < 9 THEN 2 ELSE 3 END AS wk
          FROM generate_series(1::bigint, %(n)s) AS g
        )
        SELECT raw.g, %(base)s + raw.g AS id, raw.created_at, raw.n_lines,
               c.id AS customer_id, c.sales_rep_id, c.team_id, c.terms,
               CASE WHEN c.tier = 'A' THEN 5.00 ELSE 0.00 END AS discount,
               w.id AS warehouse_id,
               CASE WHEN raw.age_days > 45 THEN
                      CASE WHEN raw.h < 6 THEN 'cancelled' WHEN raw.h < 9 THEN 'shipped'
                           ELSE 'closed' END
                    ELSE
                      CASE WHEN raw.h < 10 THEN 'draft' WHEN raw.h < 14 THEN 'on_hold'
                           WHEN raw.h < 30 THEN 'pending_approval' WHEN raw.h < 50 THEN 'approved'
                           WHEN raw.h < 54 THEN 'cancelled' WHEN raw.h < 75 THEN 'shipped'
                           ELSE 'closed' END
               END AS status,
               extract(year FROM raw.created_at AT TIME ZONE 'Asia/Shanghai')::int AS year
        FROM raw JOIN bench_c c ON c.k = raw.ck JOIN bench_w w ON w.k = raw.wk
        """,
        {
            "n": orders,
            "span": YEARS * 365 * 86400,
            "days": YEARS * 365,
            "customers": _count("bench_c"),
            "base": bases.order,
        },
    )
    _execute(
        """
        ALTER TABLE bench_o ADD COLUMN seq bigint;
        UPDATE bench_o o SET seq = s.seq + COALESCE(
            (SELECT max(last_value) FROM core_documentsequence d
             WHERE d.prefix IN ('SO', 'SH', 'INV', 'PAY') AND d.year = s.year), 0)
        FROM (SELECT g, year, row_number() OVER (PARTITION BY year ORDER BY g) AS seq
              FROM bench_o) s
        WHERE s.g = o.g;
        CREATE UNIQUE INDEX ON bench_o (g);
        ANALYZE bench_o;
        """
    )
    # Lines, computed once: product, quantity and amounts as functions of (g, l).
    _execute(
        f"""
        CREATE TEMP TABLE bench_l ON COMMIT DROP AS
        SELECT o.g, l, {bases.line} + (o.g - 1) * {MAX_LINES} + l AS id, o.id AS order_id,
               p.id AS product_id, p.sku, p.name, p.price,
               1 + (o.g * 31 + l * 17) % 12 AS quantity, o.discount, o.status,
               round(p.price * (1 + (o.g * 31 + l * 17) % 12), 2) AS gross
        FROM bench_o o CROSS JOIN LATERAL generate_series(1, o.n_lines) AS l
        JOIN bench_p p ON p.k = (o.g * 7919 + l * {_stride(products)}) % {products}
        """
    )
    _execute(
        """
        ALTER TABLE bench_l ADD COLUMN disc numeric, ADD COLUMN net numeric,
                            ADD COLUMN tax numeric;
        """
    )
    # Amount columns in one pass (a rewrite of the temp table, no WAL).
    _execute(
        """
        CREATE TEMP TABLE bench_l2 ON COMMIT DROP AS
        SELECT g, l, id, order_id, product_id, sku, name, price, quantity, discount, status,
               gross, d AS disc, gross - d AS net, round((gross - d) * 0.13, 2) AS tax
        FROM (SELECT *, round(gross * discount / 100, 2) AS d FROM bench_l) x;
        DROP TABLE bench_l;
        ALTER TABLE bench_l2 RENAME TO bench_l;
        CREATE TEMP TABLE bench_t ON COMMIT DROP AS
        SELECT g, sum(gross) AS gross, sum(disc) AS disc, sum(net) AS net, sum(tax) AS tax
        FROM bench_l GROUP BY g;
        CREATE UNIQUE INDEX ON bench_t (g);
        ANALYZE bench_l; ANALYZE bench_t;
        """
    )
    return count


SHIPPED = "('shipped', 'closed')"
RESERVING = "('pending_approval', 'approved', 'on_hold')"


def _orders(bases: Bases) -> int:
    t = "o.created_at"
    return insert_select(
        SalesOrder,
        {
            "id": "o.id",
            "number": "'SO-' || o.year || '-' || lpad(o.seq::text, 6, '0')",
            "customer": "o.customer_id",
            "warehouse": "o.warehouse_id",
            "sales_rep": "o.sales_rep_id",
            "team": "o.team_id",
            "status": "o.status",
            "held_from_status": "CASE WHEN o.status = 'on_hold' THEN 'approved' ELSE '' END",
            "order_date": f"({t} AT TIME ZONE 'Asia/Shanghai')::date",
            "lines_amount": "t.gross",
            "discount_amount": "t.disc",
            "tax_amount": "t.tax",
            "total_amount": "t.net + t.tax",
            "invoiced_amount": f"CASE WHEN o.status IN {SHIPPED} THEN t.net + t.tax ELSE 0 END",
            "paid_amount": "CASE WHEN o.status = 'closed' THEN t.net + t.tax ELSE 0 END",
            "approval_reason": "CASE WHEN o.status = 'pending_approval' "
            "THEN 'Order total reaches the approval threshold' ELSE '' END",
            "cancel_reason": "CASE WHEN o.status = 'cancelled' "
            "THEN 'Customer withdrew' ELSE '' END",
            "created_at": t,
            "submitted_at": f"CASE WHEN o.status = 'draft' THEN NULL "
            f"ELSE {t} + interval '10 minutes' END",
            "approved_at": f"CASE WHEN o.status IN ('approved', 'on_hold', 'shipped', 'closed') "
            f"THEN {t} + interval '2 hours' END",
            "shipped_at": f"CASE WHEN o.status IN {SHIPPED} THEN {t} + interval '2 days' END",
            "closed_at": f"CASE WHEN o.status = 'closed' "
            f"THEN LEAST({t} + interval '35 days', now()) END",
            "cancelled_at": f"CASE WHEN o.status = 'cancelled' THEN {t} + interval '1 day' END",
        },
        "FROM bench_o o JOIN bench_t t ON t.g = o.g",
    )


def _lines(bases: Bases) -> int:
    done = f"CASE WHEN l.status IN {SHIPPED} THEN l.quantity ELSE 0 END"
    return insert_select(
        SalesOrderLine,
        {
            "id": "l.id",
            "order": "l.order_id",
            "line_no": "l.l",
            "product": "l.product_id",
            "quantity": "l.quantity",
            "unit_price_amount": "l.price",
            "list_price_amount": "l.price",
            "discount_percent": "l.discount",
            "lines_amount": "l.gross",
            "discount_amount": "l.disc",
            "net_amount": "l.net",
            "tax_amount": "l.tax",
            "quantity_shipped": done,
            "quantity_invoiced": done,
        },
        "FROM bench_l l",
    )


def _reservations(bases: Bases, masters: Masters) -> int:
    count = insert_select(
        LineReservation,
        {
            "line": "l.id",
            "product": "l.product_id",
            "warehouse": "o.warehouse_id",
            "quantity": "l.quantity",
            "created_at": "o.created_at + interval '10 minutes'",
        },
        f"FROM bench_l l JOIN bench_o o ON o.g = l.g WHERE l.status IN {RESERVING}",
    )
    return count + insert_select(
        ApprovalStep,
        {
            "order": "o.id",
            "level": "1",
            "reason": "'Order total reaches the approval threshold'",
            "approver_group": str(masters.approver_group_id),
            "status": "'pending'",
            "created_at": "o.created_at + interval '10 minutes'",
        },
        "FROM bench_o o WHERE o.status = 'pending_approval'",
    )


def _events(masters: Masters) -> int:
    """Created, submitted, and the event that brought the order to its state."""
    return insert_select(
        OrderEvent,
        {
            "order": "o.id",
            "action": "e.action",
            "from_status": "e.from_status",
            "to_status": "e.to_status",
            "actor": "CASE WHEN e.n < 3 THEN o.sales_rep_id ELSE %s END",
            "payload": "'{}'::jsonb",
            "created_at": "o.created_at + e.after",
        },
        """
        FROM bench_o o CROSS JOIN LATERAL (VALUES
            (1, 'created', '', 'draft', interval '0'),
            (2, CASE WHEN o.status = 'draft' THEN NULL ELSE 'submitted' END,
                'draft', 'pending_approval', interval '10 minutes'),
            (3, CASE o.status WHEN 'approved' THEN 'approved' WHEN 'on_hold' THEN 'held'
                WHEN 'cancelled' THEN 'cancelled' WHEN 'shipped' THEN 'shipped'
                WHEN 'closed' THEN 'closed' END,
                'pending_approval', o.status, interval '2 days')
        ) AS e(n, action, from_status, to_status, after)
        WHERE e.action IS NOT NULL
        """,
        [masters.finance_user_id],
    )


def _shipments(bases: Bases, masters: Masters) -> int:
    shipped_on = "o.created_at + interval '2 days'"
    count = insert_select(
        Shipment,
        {
            "id": f"{bases.shipment} + o.g",
            "number": "'SH-' || o.year || '-' || lpad(o.seq::text, 6, '0')",
            "order": "o.id",
            "warehouse": "o.warehouse_id",
            "status": "CASE WHEN o.status = 'closed' THEN 'delivered' ELSE 'confirmed' END",
            "carrier": str(masters.carrier_id),
            "tracking_number": "'BT' || o.g",
            "created_by": str(masters.warehouse_user_id),
            "confirmed_by": str(masters.warehouse_user_id),
            "created_at": "o.created_at + interval '1 day'",
            "confirmed_at": shipped_on,
            "delivered_at": f"CASE WHEN o.status = 'closed' THEN {shipped_on} + interval '2 days'"
            " END",
        },
        f"FROM bench_o o WHERE o.status IN {SHIPPED}",
    )
    return count + insert_select(
        ShipmentLine,
        {
            "id": f"{bases.shipment_line} + (l.g - 1) * {MAX_LINES} + l.l",
            "shipment": f"{bases.shipment} + l.g",
            "order_line": "l.id",
            "quantity": "l.quantity",
        },
        f"FROM bench_l l WHERE l.status IN {SHIPPED}",
    )


def _invoices(bases: Bases, masters: Masters) -> int:
    issued = "((o.created_at + interval '3 days') AT TIME ZONE 'Asia/Shanghai')::date"
    count = insert_select(
        Invoice,
        {
            "id": f"{bases.invoice} + o.g",
            "number": "'INV-' || o.year || '-' || lpad(o.seq::text, 6, '0')",
            "order": "o.id",
            "customer": "o.customer_id",
            "status": "CASE WHEN o.status = 'closed' THEN 'paid' ELSE 'issued' END",
            "issued_on": issued,
            "due_on": f"{issued} + o.terms",
            "net_amount": "t.net",
            "tax_amount": "t.tax",
            "total_amount": "t.net + t.tax",
            "allocated_amount": "CASE WHEN o.status = 'closed' THEN t.net + t.tax ELSE 0 END",
            "created_by": str(masters.finance_user_id),
            "created_at": "o.created_at + interval '3 days'",
        },
        f"FROM bench_o o JOIN bench_t t ON t.g = o.g WHERE o.status IN {SHIPPED}",
    )
    return count + insert_select(
        InvoiceLine,
        {
            "id": f"{bases.invoice_line} + (l.g - 1) * {MAX_LINES} + l.l",
            "invoice": f"{bases.invoice} + l.g",
            "order_line": "l.id",
            "description": "l.sku || ' ' || l.name",
            "quantity": "l.quantity",
            "unit_price_amount": "l.price",
            "net_amount": "l.net",
            "tax_amount": "l.tax",
        },
        f"FROM bench_l l WHERE l.status IN {SHIPPED}",
    )


def _payments(bases: Bases, masters: Masters) -> int:
    received = "((o.created_at + interval '30 days') AT TIME ZONE 'Asia/Shanghai')::date"
    count = insert_select(
        Payment,
        {
            "id": f"{bases.payment} + o.g",
            "number": "'PAY-' || o.year || '-' || lpad(o.seq::text, 6, '0')",
            "customer": "o.customer_id",
            "amount": "t.net + t.tax",
            "received_on": received,
            "method": "'bank_transfer'",
            "bank_reference": "'BENCH' || o.g",
            "allocated_amount": "t.net + t.tax",
            "recorded_by": str(masters.finance_user_id),
            "created_at": "LEAST(o.created_at + interval '30 days', now())",
        },
        "FROM bench_o o JOIN bench_t t ON t.g = o.g WHERE o.status = 'closed'",
    )
    return count + insert_select(
        PaymentAllocation,
        {
            "payment": f"{bases.payment} + o.g",
            "invoice": f"{bases.invoice} + o.g",
            "amount": "t.net + t.tax",
            "allocated_by": str(masters.finance_user_id),
            "allocated_at": "LEAST(o.created_at + interval '30 days', now())",
        },
        "FROM bench_o o JOIN bench_t t ON t.g = o.g WHERE o.status = 'closed'",
    )


def _stock(masters: Masters) -> int:
    """Opening receipt, monthly shipment moves; levels equal the ledger and reservations."""
    _execute(
        f"""
        CREATE TEMP TABLE bench_s ON COMMIT DROP AS
        SELECT l.product_id, o.warehouse_id,
               sum(CASE WHEN l.status IN {SHIPPED} THEN l.quantity ELSE 0 END) AS shipped,
               sum(CASE WHEN l.status IN {RESERVING} THEN l.quantity ELSE 0 END) AS reserved
        FROM bench_l l JOIN bench_o o ON o.g = l.g GROUP BY 1, 2
        """
    )
    count = insert_select(
        StockMove,
        {
            "product": "s.product_id",
            "warehouse": "s.warehouse_id",
            "kind": "'receipt'",
            "quantity": "s.shipped + s.reserved + 1000000",
            "reference": "'BENCH-OPENING'",
            "reason": "'bench opening stock'",
            "actor": str(masters.warehouse_user_id),
            "created_at": f"now() - interval '{YEARS * 365 + 1} days'",
        },
        "FROM bench_s s",
    )
    count += insert_select(
        StockMove,
        {
            "product": "m.product_id",
            "warehouse": "m.warehouse_id",
            "kind": "'shipment'",
            "quantity": "-m.quantity",
            "reference": "'BENCH-' || to_char(m.month, 'YYYY-MM')",
            "reason": "'bench shipments of the month'",
            "actor": str(masters.warehouse_user_id),
            "created_at": "m.month + interval '27 days'",
        },
        f"""FROM (SELECT l.product_id, o.warehouse_id, date_trunc('month', o.created_at) AS month,
                         sum(l.quantity) AS quantity
                  FROM bench_l l JOIN bench_o o ON o.g = l.g WHERE l.status IN {SHIPPED}
                  GROUP BY 1, 2, 3) m""",
    )
    _execute(
        """
        INSERT INTO inventory_stocklevel
          (product_id, warehouse_id, on_hand, reserved, backordered, on_order)
        SELECT product_id, warehouse_id, 0, 0, 0, 0 FROM bench_s
        ON CONFLICT (product_id, warehouse_id) DO NOTHING
        """
    )
    # Recompute from the ledger and the reservations, for every level of these products.
    _execute(
        """
        WITH moves AS (
          SELECT product_id, warehouse_id, sum(quantity) AS quantity FROM inventory_stockmove
          WHERE product_id IN (SELECT id FROM bench_p) GROUP BY 1, 2),
        held AS (
          SELECT product_id, warehouse_id, sum(quantity) AS quantity
          FROM orders_linereservation
          WHERE product_id IN (SELECT id FROM bench_p) GROUP BY 1, 2)
        UPDATE inventory_stocklevel s
        SET on_hand = COALESCE(moves.quantity, 0), reserved = COALESCE(held.quantity, 0)
        FROM bench_s b
        LEFT JOIN moves USING (product_id, warehouse_id)
        LEFT JOIN held USING (product_id, warehouse_id)
        WHERE s.product_id = b.product_id AND s.warehouse_id = b.warehouse_id
        """
    )
    return count


def _customer_figures() -> int:
    """Receivable, open orders, unallocated payments, oldest due date: from the documents."""
    return _execute(
        """
        WITH owed AS (
          SELECT customer_id, sum(total_amount - allocated_amount) AS receivable,
                 min(due_on) FILTER (WHERE status IN ('issued', 'partially_paid')) AS oldest
          FROM finance_invoice WHERE status IN ('issued', 'partially_paid', 'paid')
          GROUP BY customer_id),
        open AS (
          SELECT customer_id, sum(total_amount - invoiced_amount) AS amount
          FROM orders_salesorder WHERE status NOT IN ('draft', 'cancelled') GROUP BY customer_id),
        unallocated AS (
          SELECT customer_id, sum(amount - allocated_amount) AS amount
          FROM finance_payment GROUP BY customer_id)
        UPDATE customers_customer c SET
          receivable_amount = COALESCE(owed.receivable, 0),
          open_order_amount = COALESCE(open.amount, 0),
          unallocated_payment_amount = COALESCE(unallocated.amount, 0),
          oldest_open_invoice_due_on = owed.oldest
        FROM bench_c b
        LEFT JOIN owed ON owed.customer_id = b.id
        LEFT JOIN open ON open.customer_id = b.id
        LEFT JOIN unallocated ON unallocated.customer_id = b.id
        WHERE c.id = b.id
        """
    )


def foreign_keys_check(models_) -> int:
    """Every foreign key of the seeded tables points at a row (the seed skips the per-row
    triggers, so this set-wise anti-join is the check)."""
    checked = 0
    for model in models_:
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model._meta
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM {model._meta.db_table} t "  # noqa: S608
                    f"LEFT JOIN {target.db_table} r ON r.{target.pk.column} = t.{field.column} "
                    f"WHERE t.{field.column} IS NOT NULL AND r.{target.pk.column} IS NULL"
                )
                dangling = cursor.fetchone()[0]
            if dangling:
                raise RuntimeError(f"{dangling} rows of {model.__name__}.{field.name} dangle")
            checked += 1
    return checked


def _numbering() -> int:
    """The sequences continue after the largest number seeded, per prefix and year."""
    table = DocumentSequence._meta.db_table
    return _execute(
        f"""
        INSERT INTO {table} (prefix, year, last_value)
        SELECT prefix, year, max(seq) FROM (
            SELECT 'SO' AS prefix, year, seq FROM bench_o
            UNION ALL SELECT p.prefix, o.year, o.seq FROM bench_o o
            CROSS JOIN (VALUES ('SH'), ('INV')) AS p(prefix) WHERE o.status IN {SHIPPED}
            UNION ALL SELECT 'PAY', year, seq FROM bench_o WHERE status = 'closed'
        ) numbers GROUP BY prefix, year
        ON CONFLICT (prefix, year) DO UPDATE
        SET last_value = GREATEST({table}.last_value, EXCLUDED.last_value)
        """
    )


def _analyze() -> int:
    with connection.cursor() as cursor:
        for model in [*BIG_TABLES, LineReservation, ApprovalStep, StockMove, StockLevel, Customer]:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return 0
