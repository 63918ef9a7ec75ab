"""Seeds the demo: master data, a year of orders played through the services, then stock top-up."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from customers.models import Complaint, Interaction
from customers.services import complaint_advance, complaint_log, interaction_log
from finance.models import Invoice, Payment
from inventory.models import StockLevel
from inventory.selectors import stock_levels_below_reorder_point
from inventory.services import stock_receive
from opms.accounts.models import User
from opms.core.errors import DomainError
from orders.models import ApprovalPolicy, SalesOrder
from reports.management.demo.approvals import approval_config_ensure
from reports.management.demo.finance import finance_demo_ensure
from reports.management.demo.integrations import integrations_ensure
from reports.management.demo.masterdata import Directory, master_data_ensure
from reports.management.demo.purchasing import purchasing_demo_ensure
from reports.management.demo.reporting import reporting_ensure
from reports.management.demo.running import RECEIPT_REASON, OrderRunner
from reports.management.demo.specs import master_plan, order_reference
from reports.management.demo.stories import order_plans
from reports.management.demo.timeline import Clock, backdate

BATCH = 200
MAIN_WAREHOUSE = "SH"


@dataclass
class SeedResult:
    created: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    topped_up: int = 0


def demo_present(*, orders: int) -> bool:
    """True when the demo users and all `orders` demo orders are there already."""
    if not User.objects.filter(username="sales").exists():
        return False
    return len(_existing_references(orders)) == orders


def _existing_references(orders: int) -> set[str]:
    references = [order_reference(index) for index in range(orders)]
    found: set[str] = set()
    for start in range(0, len(references), 500):
        found.update(
            SalesOrder.objects.filter(
                customer_reference__in=references[start : start + 500]
            ).values_list("customer_reference", flat=True)
        )
    return found


def seed_demo(*, orders: int, write: Callable[[str], None]) -> SeedResult:
    """Complete the demo data set: create whatever of it is missing, nothing twice."""
    started = time.monotonic()
    now = timezone.now()
    result = SeedResult()
    master = master_plan()
    clock = Clock()
    with transaction.atomic():
        directory = master_data_ensure(master, clock=clock, now=now)
        approval_config_ensure(directory)
        backdate(clock)
    write(f"master data ready ({time.monotonic() - started:.1f} s)")

    policy = ApprovalPolicy.objects.first()
    plans = order_plans(
        count=orders,
        master=master,
        now=now,
        max_discount=policy.max_discount_percent if policy else Decimal("10"),
    )
    existing = _existing_references(orders)
    todo = [plan for plan in plans if plan.reference not in existing]
    runner = OrderRunner(directory, clock)
    done = orders - len(todo)
    for start in range(0, len(todo), BATCH):
        clock.reset()
        # One transaction per batch, a savepoint per order: an order the services refuse
        # is rolled back alone, and a batch is backdated before it commits.
        with transaction.atomic():
            for plan in todo[start : start + BATCH]:
                try:
                    with transaction.atomic():
                        runner.run(plan)
                except DomainError as error:
                    result.failures.append((plan.reference, str(error)))
                else:
                    result.created += 1
            backdate(clock)
        done += len(todo[start : start + BATCH])
        write(f"{done}/{orders} orders ({time.monotonic() - started:.1f} s)")

    result.topped_up = stock_top_up(directory)
    customer_notes_ensure(directory)
    finance_demo_ensure(directory)
    integrations_ensure(directory, write)
    purchasing_demo_ensure(directory)
    reporting_ensure()
    for reference, error in result.failures:
        write(f"order {reference} not completed: {error}")
    write(summary(started))
    return result


def stock_top_up(directory: Directory) -> int:
    """Receive stock wherever the demo left too little to enter new orders.

    Everything ends at least twice its reorder point available, except the deliberately
    low products in the main warehouse: they stay below it (purchasing's reorder list)
    but keep a usual order quantity available.
    """
    specs = {
        product.pk: directory.product_specs[sku] for sku, product in directory.products.items()
    }
    codes = {warehouse.pk: code for code, warehouse in directory.warehouses.items()}
    levels = StockLevel.objects.filter(product_id__in=specs, warehouse_id__in=codes).order_by(
        "product_id", "warehouse_id"
    )
    received = 0
    for level in levels:
        spec = specs[level.product_id]
        if spec.is_low and codes[level.warehouse_id] == MAIN_WAREHOUSE:
            floor = target = spec.base_quantity
        else:
            floor, target = spec.reorder_point * 2, spec.reorder_point * 3
        if level.available >= floor:
            continue
        stock_receive(
            product_id=level.product_id,
            warehouse_id=level.warehouse_id,
            quantity=target - level.available,
            reference=f"GR-{timezone.localdate():%Y%m%d}-{spec.sku}",
            reason=RECEIPT_REASON.format(supplier=directory.suppliers[spec.supplier].name),
            actor=directory.users["warehouse"],
        )
        received += 1
    return received


def summary(started: float) -> str:
    counts = dict(SalesOrder.objects.values_list("status").annotate(count=Count("pk")).order_by())
    rows = [f"  {status:<18} {counts.get(status, 0):>6}" for status in SalesOrder.Status.values]
    today = timezone.localdate()
    overdue = Invoice.objects.filter(status__in=Invoice.OPEN, due_on__lt=today).count()
    credit = Payment.objects.filter(allocated_amount__lt=F("amount")).count()
    reorder = stock_levels_below_reorder_point().count()
    return "\n".join(
        [
            "orders by status:",
            *rows,
            f"overdue invoices: {overdue}; payments with unallocated credit: {credit}; "
            f"stock levels below reorder point: {reorder}",
            f"done in {time.monotonic() - started:.1f} s",
        ]
    )


COMPLAINTS = [
    ("轴承运转异响，要求更换批次", Complaint.Category.QUALITY, Complaint.Severity.HIGH),
    ("到货延迟三天，影响产线排期", Complaint.Category.DELIVERY, Complaint.Severity.MEDIUM),
    ("发票抬头有误，需重开", Complaint.Category.BILLING, Complaint.Severity.LOW),
    ("包装破损，部分螺栓散落", Complaint.Category.QUALITY, Complaint.Severity.MEDIUM),
    ("业务员回复不及时", Complaint.Category.SERVICE, Complaint.Severity.LOW),
]
INTERACTIONS = [
    (Interaction.Kind.CALL, "电话确认下月备货计划，预计需求增加 20%。"),
    (Interaction.Kind.VISIT, "拜访采购部，介绍新款变频器，客户索要报价单。"),
    (Interaction.Kind.WECHAT, "微信沟通对账单，客户确认无误。"),
]


def customer_notes_ensure(directory: Directory) -> None:
    """A few complaints and interaction-log entries so the customer page has a history."""
    if Complaint.objects.exists():
        return
    sales = directory.users["sales"]
    customers = sorted(directory.customers.values(), key=lambda customer: customer.code)
    for index, (title, category, severity) in enumerate(COMPLAINTS):
        customer = customers[index * 3 % len(customers)]
        order = SalesOrder.objects.filter(customer=customer).order_by("-pk").first()
        complaint = complaint_log(
            customer=customer,
            actor=sales,
            title=title,
            category=category,
            severity=severity,
            order_reference=order.number if order else "",
        )
        if index % 2 == 0:
            complaint_advance(
                complaint_id=complaint.pk,
                actor=sales,
                status=Complaint.Status.RESOLVED,
                resolution="已与客户确认，补发/重开处理完毕。",
            )
    for index, customer in enumerate(customers[:10]):
        kind, note = INTERACTIONS[index % len(INTERACTIONS)]
        interaction_log(customer=customer, actor=sales, kind=kind, note=note)
