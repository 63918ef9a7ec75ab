"""Plays an order's story through the services, as the demo user of each step."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from django.db.models import F
from django.utils import timezone

from finance.services import invoice_create, invoice_issue, payment_allocate, payment_record
from inventory.models import StockLevel
from inventory.services import stock_receive
from opms.core.money import ZERO
from orders.models import ApprovalStep, SalesOrder, SalesOrderLine
from orders.services import (
    LineInput,
    order_approve,
    order_cancel,
    order_close,
    order_create,
    order_hold,
    order_reject,
    order_release_hold,
    order_submit,
    order_update,
    shipment_confirm,
    shipment_create,
    shipment_deliver,
)
from reports.management.demo.masterdata import Directory
from reports.management.demo.specs import LineSpec, OrderPlan, Step
from reports.management.demo.timeline import Clock

RECEIPT_REASON = "采购入库 {supplier}"


@dataclass
class _Invoice:
    pk: int
    total: Decimal
    allocated: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.total - self.allocated


@dataclass
class _OrderState:
    plan: OrderPlan
    lines: tuple[LineSpec, ...]
    order: SalesOrder | None = None
    line_ids: dict[int, int] = field(default_factory=dict)
    shipments: list[int] = field(default_factory=list)
    invoices: list[_Invoice] = field(default_factory=list)


class OrderRunner:
    def __init__(self, directory: Directory, clock: Clock) -> None:
        self.directory = directory
        self.clock = clock

    def run(self, plan: OrderPlan) -> SalesOrder:
        """Play every step of the plan; the caller holds the transaction."""
        state = _OrderState(plan=plan, lines=plan.lines)
        for step in plan.steps:
            self.clock.mark(step.at)
            getattr(self, f"_{step.action}")(state, step)
        return state.order

    def _user(self, step: Step):
        return self.directory.users[step.actor]

    def _line_inputs(self, lines) -> list[LineInput]:
        products = self.directory.products
        return [
            LineInput(
                product_id=products[line.sku].pk,
                quantity=line.quantity,
                discount_percent=line.discount_percent,
            )
            for line in lines
        ]

    # Order lifecycle.
    def _create(self, state: _OrderState, step: Step) -> None:
        plan = state.plan
        state.order = order_create(
            actor=self._user(step),
            customer=self.directory.customers[plan.customer],
            warehouse=self.directory.warehouses[plan.warehouse],
            lines=self._line_inputs(plan.lines),
            requested_delivery_on=plan.requested_delivery_on,
            customer_reference=plan.reference,
            note=plan.note,
        )

    def _submit(self, state: _OrderState, step: Step) -> None:
        self._replenish(state, step)
        state.order = order_submit(order_id=state.order.pk, actor=self._user(step))

    def _approve(self, state: _OrderState, step: Step) -> None:
        # Orders without an approval reason were approved on submit. Each pending step
        # is decided by a member of its group (approver, or finance for credit steps).
        while state.order.status == SalesOrder.Status.PENDING_APPROVAL:
            pending = state.order.approval_steps.filter(status=ApprovalStep.Status.PENDING)
            group = pending.order_by("level").values_list("approver_group__name", flat=True).first()
            actor = self.directory.users.get(group) or self._user(step)
            state.order = order_approve(
                order_id=state.order.pk, actor=actor, comment=step.params["comment"]
            )

    def _reject(self, state: _OrderState, step: Step) -> None:
        # The waiting level's group decides it (a rule may put finance or a manager first).
        pending = state.order.approval_steps.filter(status=ApprovalStep.Status.PENDING)
        group = pending.order_by("level").values_list("approver_group__name", flat=True).first()
        actor = self.directory.users.get(group) or self._user(step)
        state.order = order_reject(
            order_id=state.order.pk, actor=actor, comment=step.params["comment"]
        )

    def _revise(self, state: _OrderState, step: Step) -> None:
        plan = state.plan
        state.lines = tuple(step.params["lines"])
        state.order = order_update(
            order_id=state.order.pk,
            actor=self._user(step),
            expected_version=None,
            customer=self.directory.customers[plan.customer],
            warehouse=self.directory.warehouses[plan.warehouse],
            lines=self._line_inputs(state.lines),
            requested_delivery_on=plan.requested_delivery_on,
            customer_reference=plan.reference,
            note=plan.note,
        )
        state.line_ids = {}

    def _hold(self, state: _OrderState, step: Step) -> None:
        state.order = order_hold(
            order_id=state.order.pk, actor=self._user(step), comment=step.params["comment"]
        )

    def _release(self, state: _OrderState, step: Step) -> None:
        state.order = order_release_hold(
            order_id=state.order.pk, actor=self._user(step), comment=step.params["comment"]
        )

    def _cancel(self, state: _OrderState, step: Step) -> None:
        state.order = order_cancel(
            order_id=state.order.pk, actor=self._user(step), comment=step.params["comment"]
        )

    def _close(self, state: _OrderState, step: Step) -> None:
        order_close(order_id=state.order.pk)

    # Shipping.
    def _ship_create(self, state: _OrderState, step: Step) -> None:
        if not state.line_ids:
            state.line_ids = dict(
                SalesOrderLine.objects.filter(order_id=state.order.pk).values_list("line_no", "pk")
            )
        shipment = shipment_create(
            order_id=state.order.pk,
            actor=self._user(step),
            quantities={
                state.line_ids[number]: quantity
                for number, quantity in step.params["quantities"].items()
            },
        )
        state.shipments.append(shipment.pk)

    def _ship_confirm(self, state: _OrderState, step: Step) -> None:
        shipment_confirm(
            shipment_id=state.shipments[-1],
            actor=self._user(step),
            carrier_id=self.directory.carriers[step.params["carrier"]].pk,
            tracking_number=step.params["tracking_number"],
        )

    def _ship_deliver(self, state: _OrderState, step: Step) -> None:
        shipment_deliver(shipment_id=state.shipments[-1], actor=self._user(step))

    # Money.
    def _invoice(self, state: _OrderState, step: Step) -> None:
        actor = self._user(step)
        invoice = invoice_create(order_id=state.order.pk, actor=actor, basis=step.params["basis"])
        invoice = invoice_issue(
            invoice_id=invoice.pk, actor=actor, issued_on=timezone.localdate(step.at)
        )
        state.invoices.append(_Invoice(invoice.pk, invoice.total_amount))

    def _pay(self, state: _OrderState, step: Step) -> None:
        mode = step.params["mode"]
        invoices = [invoice for invoice in state.invoices if invoice.open > ZERO]
        if mode == "first_invoice":
            invoices = invoices[:1]
        due = sum((invoice.open for invoice in invoices), ZERO)
        if due <= ZERO:
            return
        amount = due
        if mode == "partial":
            # A round sum short of the whole: the invoice stays partly open.
            amount = (due * step.params["fraction"]).quantize(Decimal("1E2"), ROUND_DOWN)
            if not ZERO < amount < due:
                amount = (due / 2).quantize(Decimal("0.01"), ROUND_DOWN)
            if amount <= ZERO:
                return
        elif mode == "overpay":
            # Paid in a round sum above the invoice: the rest stays on the customer as credit.
            amount = (due / 1000).quantize(Decimal(1), ROUND_CEILING) * 1000
            if amount == due:
                amount += 1000
        actor = self._user(step)
        payment = payment_record(
            customer=self.directory.customers[state.plan.customer],
            amount=amount,
            actor=actor,
            method=step.params["method"],
            received_on=timezone.localdate(step.at),
            bank_reference=_bank_reference(step),
        )
        left = min(amount, due)
        for invoice in invoices:
            part = min(invoice.open, left)
            if part <= ZERO:
                break
            payment_allocate(payment_id=payment.pk, invoice_id=invoice.pk, amount=part, actor=actor)
            invoice.allocated += part
            left -= part

    def _advance(self, state: _OrderState, step: Step) -> None:
        payment_record(
            customer=self.directory.customers[state.plan.customer],
            amount=step.params["amount"],
            actor=self._user(step),
            method=step.params["method"],
            received_on=timezone.localdate(step.at),
            bank_reference=_bank_reference(step),
        )

    # Stock.
    def _replenish(self, state: _OrderState, step: Step) -> None:
        """Receive goods before an order would find its warehouse short (a purchase delivery)."""
        warehouse = self.directory.warehouses[state.plan.warehouse]
        specs = {self.directory.products[line.sku].pk: line for line in state.lines}
        available = dict(
            StockLevel.objects.filter(warehouse=warehouse, product_id__in=specs).values_list(
                "product_id", F("on_hand") - F("reserved")
            )
        )
        short = {
            product_id: line.quantity - available.get(product_id, 0)
            for product_id, line in specs.items()
            if line.quantity > available.get(product_id, 0)
        }
        if not short:
            return
        # Delivered by the supplier the working day before.
        day = timezone.localdate(step.at) - timedelta(days=1)
        if day.weekday() == 6:
            day -= timedelta(days=1)
        self.clock.mark(timezone.make_aware(datetime.combine(day, time(14, 0))))
        for product_id, quantity in sorted(short.items()):
            spec = self.directory.product_specs[specs[product_id].sku]
            lot = max(1, spec.base_quantity // 2) if spec.is_low else spec.reorder_point * 4
            stock_receive(
                product_id=product_id,
                warehouse_id=warehouse.pk,
                quantity=quantity + lot,
                reference=f"GR-{day:%Y%m%d}-{spec.sku}",
                reason=RECEIPT_REASON.format(supplier=self.directory.suppliers[spec.supplier].name),
                actor=self.directory.users["warehouse"],
            )
        self.clock.mark(step.at)


def _bank_reference(step: Step) -> str:
    """The bank's serial number of a receipt: its value date and a running number."""
    return f"{timezone.localdate(step.at):%Y%m%d}{step.params['bank_serial']:010d}"
