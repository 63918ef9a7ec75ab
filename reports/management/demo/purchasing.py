"""Demo data of issue 3: supplier prices and contacts, reorder suggestions, purchase orders
(one sent, one partly received), a backordered order and returns in each state."""

from django.db import transaction

from customers.models import Customer
from inventory.models import StockLevel
from opms.core.errors import DomainError
from orders.models import SalesOrder
from orders.services import (
    LineInput,
    order_create,
    order_submit,
    return_approve,
    return_receive,
    return_request,
    returnable_quantities,
)
from purchasing.models import PurchaseOrder, ReorderSuggestion, SupplierContact, SupplierProduct
from purchasing.services import (
    goods_receipt_post,
    purchase_order_send,
    purchase_orders_create_from_suggestions,
    suggestions_compute,
)
from reports.management.demo.masterdata import Directory

MAIN_WAREHOUSE = "SH"


@transaction.atomic
def purchasing_demo_ensure(directory: Directory) -> None:
    """Once: prices per supplier, suggestions, purchase orders, a backorder and returns."""
    if SupplierProduct.objects.exists():
        return
    users = directory.users
    for supplier in directory.suppliers.values():
        if supplier.contact_name:
            SupplierContact.objects.create(
                supplier=supplier,
                name=supplier.contact_name,
                role="销售经理",
                phone=supplier.phone,
                is_primary=True,
            )
    SupplierProduct.objects.bulk_create(
        [
            SupplierProduct(
                supplier=directory.suppliers[spec.supplier],
                product=directory.products[sku],
                unit_price_amount=spec.cost_amount,
                lead_time_days=directory.suppliers[spec.supplier].lead_time_days,
                is_preferred=True,
            )
            for sku, spec in sorted(directory.product_specs.items())
        ]
    )
    suggestions_compute()
    open_ids = list(
        ReorderSuggestion.objects.filter(status=ReorderSuggestion.Status.OPEN)
        .order_by("supplier__code", "pk")
        .values_list("pk", "supplier_id")
    )
    suppliers = sorted({supplier_id for _pk, supplier_id in open_ids if supplier_id})
    # Two suppliers' suggestions become purchase orders; the rest stay for purchasing to do.
    for index, supplier_id in enumerate(suppliers[:2]):
        orders = purchase_orders_create_from_suggestions(
            suggestion_ids=[pk for pk, s in open_ids if s == supplier_id],
            actor=users["purchasing"],
        )
        for order in orders:
            purchase_order_send(purchase_order_id=order.pk, actor=users["purchasing"])
            if index == 0:
                _receive_half(order, users["warehouse"])
    # After the receipts, so the arriving goods do not fill it at once.
    _backorder_ensure(directory)
    _returns_ensure(directory)


def _receive_half(order: PurchaseOrder, actor) -> None:
    quantities = {line.pk: max(line.quantity // 2, 1) for line in order.lines.all()}
    goods_receipt_post(purchase_order_id=order.pk, actor=actor, quantities=quantities)


def _backorder_ensure(directory: Directory) -> None:
    """A sales order asking for more than the main warehouse holds of a low product."""
    warehouse = directory.warehouses[MAIN_WAREHOUSE]
    low = [sku for sku, spec in sorted(directory.product_specs.items()) if spec.is_low]
    if not low:
        return
    product = directory.products[low[0]]
    # More than every warehouse together holds: the split policy cannot cover it.
    available = sum(level.available for level in StockLevel.objects.filter(product=product))
    customer = (
        Customer.objects.filter(sales_rep=directory.users["sales"], is_active=True)
        .order_by("code")
        .first()
    )
    if customer is None:
        return
    order = order_create(
        actor=directory.users["sales"],
        customer=customer,
        warehouse=warehouse,
        lines=[LineInput(product_id=product.pk, quantity=max(available, 0) + 12)],
        note="演示：部分缺货，到货后自动预留",
    )
    try:
        order_submit(order_id=order.pk, actor=directory.users["sales"])
    except DomainError:
        return


def _returns_ensure(directory: Directory) -> None:
    """One received return (finance can credit it) and one waiting for approval."""
    shipped = list(
        SalesOrder.objects.filter(
            status__in=[SalesOrder.Status.SHIPPED, SalesOrder.Status.PARTIALLY_SHIPPED],
            sales_rep__groups__name="sales",
        ).order_by("-pk")[:2]
    )
    for index, order in enumerate(shipped):
        returnable = {k: v for k, v in returnable_quantities(order).items() if v > 0}
        if not returnable:
            continue
        line_id = min(returnable)
        try:
            sales_return = return_request(
                order_id=order.pk,
                actor=order.sales_rep,
                quantities={line_id: 1},
                reason="客户反馈外包装破损" if index == 0 else "型号选错，申请退货",
            )
            if index == 0:
                return_approve(return_id=sales_return.pk, actor=directory.users["approver"])
                return_receive(
                    return_id=sales_return.pk, actor=directory.users["warehouse"], conditions={}
                )
        except DomainError:
            continue
