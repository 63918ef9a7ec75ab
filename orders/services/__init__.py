"""Every write to orders and shipments; re-exports the public services."""

from orders.services.approval import order_approve, order_reject
from orders.services.backorders import backorders_reserve
from orders.services.intake import IntakeLine, customer_intake_create, order_intake
from orders.services.lifecycle import (
    LineInput,
    order_cancel,
    order_create,
    order_hold,
    order_place,
    order_release_hold,
    order_submit,
    order_update,
)
from orders.services.returns import (
    return_approve,
    return_receive,
    return_reject,
    return_request,
    returnable_quantities,
)
from orders.services.settlement import (
    order_close,
    order_record_invoice,
    order_record_payment,
    orders_close_completed,
)
from orders.services.shipping import (
    shipment_cancel,
    shipment_confirm,
    shipment_create,
    shipment_deliver,
    shipment_tracking_update,
)

__all__ = [
    "IntakeLine",
    "customer_intake_create",
    "order_intake",
    "LineInput",
    "backorders_reserve",
    "order_approve",
    "order_cancel",
    "order_close",
    "order_create",
    "order_hold",
    "order_place",
    "order_record_invoice",
    "order_record_payment",
    "order_reject",
    "order_release_hold",
    "order_submit",
    "order_update",
    "orders_close_completed",
    "return_approve",
    "return_receive",
    "return_reject",
    "return_request",
    "returnable_quantities",
    "shipment_cancel",
    "shipment_confirm",
    "shipment_create",
    "shipment_deliver",
    "shipment_tracking_update",
]
