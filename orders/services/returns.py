"""Returns (退货, RMA): request against shipped lines, approve or reject, receive into stock."""

from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from inventory.models import StockMove
from inventory.services import stock_adjust, stock_receive
from opms.core.money import ZERO, round_money
from opms.core.numbering import next_document_number
from orders.errors import (
    CommentRequired,
    OrderPermissionDenied,
    ReturnEmpty,
    ReturnQuantityTooLarge,
    ReturnTransitionNotAllowed,
)
from orders.models import OrderEvent, SalesOrder, SalesReturn, SalesReturnLine
from orders.services.common import event_record, order_lock, order_save
from orders.signals import return_received

VERBS = {"approve": _("approved"), "reject": _("rejected"), "receive": _("received")}


def returnable_quantities(order: SalesOrder) -> dict[int, int]:
    """{order line: shipped and not yet on a return that is not rejected}."""
    on_returns = dict(
        SalesReturnLine.objects.filter(sales_return__order=order)
        .exclude(sales_return__status=SalesReturn.Status.REJECTED)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    return {
        line.pk: line.quantity_shipped - on_returns.get(line.pk, 0) for line in order.lines.all()
    }


@transaction.atomic
def return_request(*, order_id: int, actor, quantities: dict[int, int], reason: str) -> SalesReturn:
    """Ask to take back shipped goods; amounts per line come from the order line's prices.

    Raises OrderPermissionDenied, CommentRequired, ReturnEmpty, ReturnQuantityTooLarge.
    """
    if not reason.strip():
        raise CommentRequired()
    order = order_lock(order_id=order_id)
    if not actor.has_perm("orders.add_salesreturn"):
        raise OrderPermissionDenied(number=order.number, action=_("return goods of"))
    wanted = {}
    for line_id, quantity in quantities.items():
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise ReturnEmpty()
        if quantity:
            wanted[line_id] = quantity
    if not wanted:
        raise ReturnEmpty()
    lines = {line.pk: line for line in order.lines.all()}
    returnable = returnable_quantities(order)
    for line_id, quantity in sorted(wanted.items()):
        if line_id not in lines:
            raise ReturnEmpty()
        if quantity > returnable[line_id]:
            raise ReturnQuantityTooLarge(
                line=lines[line_id].line_no, wanted=quantity, returnable=returnable[line_id]
            )
    sales_return = SalesReturn.objects.create(
        number=next_document_number("RMA"),
        order=order,
        warehouse_id=order.warehouse_id,
        reason=reason.strip(),
        requested_by=actor,
    )
    return_lines = []
    for line_id, quantity in sorted(wanted.items()):
        line = lines[line_id]
        # The customer is credited what it paid per unit: the line's net and tax, pro rata.
        share = Decimal(quantity) / Decimal(line.quantity)
        return_lines.append(
            SalesReturnLine(
                sales_return=sales_return,
                order_line=line,
                quantity=quantity,
                net_amount=round_money(line.net_amount * share, order.currency),
                tax_amount=round_money(line.tax_amount * share, order.currency),
            )
        )
    SalesReturnLine.objects.bulk_create(return_lines)
    sales_return.net_amount = sum((line.net_amount for line in return_lines), ZERO)
    sales_return.tax_amount = sum((line.tax_amount for line in return_lines), ZERO)
    sales_return.save(update_fields=["net_amount", "tax_amount"])
    order_save(order, [])
    event_record(
        order=order,
        action=OrderEvent.Action.RETURN_REQUESTED,
        actor=actor,
        comment=reason.strip(),
        payload={
            "return": sales_return.number,
            "lines": {str(lines[i].line_no): q for i, q in sorted(wanted.items())},
        },
    )
    return sales_return


def _announce_received(sales_return: SalesReturn, actor) -> None:
    transaction.on_commit(
        partial(
            return_received.send,
            sender=SalesReturn,
            return_id=sales_return.pk,
            order_id=sales_return.order_id,
            actor=actor,
        )
    )


def _lock(return_id: int) -> tuple[SalesOrder, SalesReturn]:
    # The order (aggregate root) first, then the return: the lock order of every order service.
    order_id = SalesReturn.objects.values_list("order_id", flat=True).get(pk=return_id)
    order = order_lock(order_id=order_id)
    return order, SalesReturn.objects.select_for_update().get(pk=return_id)


def _guard(sales_return: SalesReturn, order: SalesOrder, method_name: str, actor) -> None:
    method = getattr(sales_return, method_name)
    if not can_proceed(method):
        raise ReturnTransitionNotAllowed(
            number=sales_return.number,
            action=VERBS[method_name],
            status=sales_return.get_status_display(),
        )
    if not has_transition_perm(method, actor):
        raise OrderPermissionDenied(number=order.number, action=VERBS[method_name])


@transaction.atomic
def return_approve(*, return_id: int, actor, comment: str = "") -> SalesReturn:
    """Accept a return request; the warehouse may now take the goods back."""
    order, sales_return = _lock(return_id)
    _guard(sales_return, order, "approve", actor)
    sales_return.approve(comment=comment)
    sales_return.decided_by = actor
    sales_return.save(update_fields=["status", "decision_comment", "decided_at", "decided_by"])
    event_record(
        order=order,
        action=OrderEvent.Action.RETURN_APPROVED,
        actor=actor,
        comment=comment,
        payload={"return": sales_return.number},
    )
    return sales_return


@transaction.atomic
def return_reject(*, return_id: int, actor, comment: str) -> SalesReturn:
    """Refuse a return request with a reason; its quantities are returnable again."""
    if not comment.strip():
        raise CommentRequired()
    order, sales_return = _lock(return_id)
    _guard(sales_return, order, "reject", actor)
    sales_return.reject(comment=comment)
    sales_return.decided_by = actor
    sales_return.save(update_fields=["status", "decision_comment", "decided_at", "decided_by"])
    event_record(
        order=order,
        action=OrderEvent.Action.RETURN_REJECTED,
        actor=actor,
        comment=comment,
        payload={"return": sales_return.number},
    )
    return sales_return


@transaction.atomic
def return_receive(*, return_id: int, actor, conditions: dict[int, str]) -> SalesReturn:
    """Take the goods back: each line goes back to stock (a return move) or is scrapped (a
    return move and a scrap adjustment, so the ledger shows both). `conditions` maps each
    return line to "restock" or "scrap"; lines not given go back to stock. After commit,
    `orders.signals.return_received` tells finance, which credits the return."""
    order, sales_return = _lock(return_id)
    _guard(sales_return, order, "receive", actor)
    lines = list(
        sales_return.lines.select_related("order_line").order_by("order_line__product_id", "pk")
    )
    for line in lines:
        condition = conditions.get(line.pk, SalesReturnLine.Condition.RESTOCK)
        line.condition = SalesReturnLine.Condition(condition)
        stock_receive(
            product_id=line.order_line.product_id,
            warehouse_id=sales_return.warehouse_id,
            quantity=line.quantity,
            kind=StockMove.Kind.RETURN,
            reference=sales_return.number,
            actor=actor,
        )
        if line.condition == SalesReturnLine.Condition.SCRAP:
            stock_adjust(
                product_id=line.order_line.product_id,
                warehouse_id=sales_return.warehouse_id,
                quantity=-line.quantity,
                reason_code=StockMove.ReasonCode.SCRAP,
                comment=sales_return.number,
                actor=actor,
            )
    SalesReturnLine.objects.bulk_update(lines, ["condition"])
    sales_return.receive()
    sales_return.received_by = actor
    sales_return.save(update_fields=["status", "received_at", "received_by"])
    event_record(
        order=order,
        action=OrderEvent.Action.RETURN_RECEIVED,
        actor=actor,
        comment=sales_return.number,
        payload={
            "return": sales_return.number,
            "lines": {
                str(line.order_line.line_no): [line.quantity, line.condition] for line in lines
            },
            "amount": str(sales_return.total_amount),
        },
    )
    _announce_received(sales_return, actor)
    return sales_return
