"""API views of order intake: check scope and role, parse, call one service or selector."""

from datetime import UTC
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Carrier
from opms.core.pagination import keyset_page
from orders import services
from orders.api import serializers as s
from orders.api.permissions import ScopedPermission, request_api_key
from orders.integration import selectors
from orders.integration.models import ApiKey
from orders.integration.services import idempotent_response, request_fingerprint
from orders.models import SalesOrder

Scope = ApiKey.Scope
PAGE_SIZE_MAX = 200

CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` or `previous`."),
    OpenApiParameter("direction", OpenApiTypes.STR, enum=["next", "previous"]),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {PAGE_SIZE_MAX}."),
]
UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="ISO 8601 with a time zone."
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="Retries with the same key and body get the first response back (24 h+).",
)


class ScopedView(APIView):
    """Per HTTP method: the key scopes (any one suffices) and the role permissions needed."""

    permission_classes = [ScopedPermission]
    access: dict[str, tuple[list[str], list[str]]] = {}

    def required_access(self, request) -> tuple[list[str], list[str]]:
        return self.access.get(request.method, ([], []))

    def scope_message(self, scopes: list[str]) -> str:
        names = ", ".join(str(Scope(scope).label) for scope in scopes)
        return _("This API key lacks the scope for this: %(scopes)s.") % {"scopes": names}

    def page(self, request, queryset, *, ordering: str, serializer):
        size = _int_param(request, "page_size", default=settings.OPMS_PAGE_SIZE)
        if not 1 <= size <= PAGE_SIZE_MAX:
            raise exceptions.ValidationError({"page_size": [_("Between 1 and 200.")]})
        direction = request.query_params.get("direction", "next")
        if direction not in ("next", "previous"):
            raise exceptions.ValidationError({"direction": [_("next or previous.")]})
        try:
            page = keyset_page(
                queryset,
                ordering=ordering,
                cursor=request.query_params.get("cursor"),
                direction=direction,
                size=size,
            )
        except (DataError, DjangoValidationError, TypeError, ValueError) as exc:
            # A cursor not made by us (edited or from another list).
            raise exceptions.ValidationError({"cursor": [_("Not a valid cursor.")]}) from exc

        def link(cursor, direction):
            if not cursor:
                return None
            query = request.query_params.copy()
            query["cursor"], query["direction"] = cursor, direction
            return request.build_absolute_uri(request.path) + "?" + urlencode(query)

        return Response(
            {
                "next": link(page.next_cursor, "next"),
                "previous": link(page.previous_cursor, "previous"),
                "results": serializer(page.items, many=True).data,
            }
        )


def _int_param(request, name: str, *, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({name: [_("A whole number.")]}) from exc


def _datetime_param(request, name: str):
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    try:
        if value is None or value.tzinfo is None:
            raise ValueError
        return value.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise exceptions.ValidationError(
            {name: [_("An ISO 8601 date-time with a time zone.")]}
        ) from exc


def _idempotent(request, produce) -> Response:
    """Run `produce` under the request's Idempotency-Key (when sent); replays say so."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        status_code, body = produce()
        return Response(body, status=status_code)
    if len(key) > 200:
        raise exceptions.ValidationError({"Idempotency-Key": [_("At most 200 characters.")]})
    api_key = request_api_key(request)
    owner = f"key:{api_key.pk}" if api_key else f"user:{request.user.pk}"
    stored = idempotent_response(
        owner=owner,
        key=key,
        fingerprint=request_fingerprint(request.method, request.path, request.body),
        produce=produce,
    )
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else {}
    return Response(stored.body, status=stored.status, headers=headers)


# ---------------------------------------------------------------- catalogue


class ProductListView(ScopedView):
    access = {"GET": ([Scope.READ_CATALOGUE], ["inventory.view_product"])}

    @extend_schema(
        parameters=[
            OpenApiParameter("sku", OpenApiTypes.STR),
            OpenApiParameter("category", OpenApiTypes.STR, description="Category code."),
            UPDATED_SINCE,
            *CURSOR_PARAMETERS,
        ],
        responses=s.page_serializer(s.ProductSerializer, "ProductPage"),
        operation_id="products_list",
    )
    def get(self, request):
        """Products with on hand, reserved and available stock per warehouse."""
        products = selectors.api_products(
            sku=request.query_params.get("sku", ""),
            category=request.query_params.get("category", ""),
            updated_since=_datetime_param(request, "updated_since"),
        )
        return self.page(request, products, ordering="sku", serializer=s.ProductSerializer)


# ---------------------------------------------------------------- customers


class CustomerListView(ScopedView):
    access = {
        "GET": ([Scope.READ_ORDERS, Scope.WRITE_ORDERS], ["customers.view_customer"]),
        "POST": ([Scope.WRITE_ORDERS], ["customers.add_customer"]),
    }

    @extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR), *CURSOR_PARAMETERS],
        responses=s.page_serializer(s.CustomerSerializer, "CustomerPage"),
        operation_id="customers_list",
    )
    def get(self, request):
        """Customers the user may see (sales: own or team), optionally by code."""
        customers = selectors.api_customers(
            user=request.user, code=request.query_params.get("code", "")
        )
        return self.page(request, customers, ordering="code", serializer=s.CustomerSerializer)

    @extend_schema(
        request=s.CustomerSerializer,
        responses={201: s.CustomerSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        """Create a customer (409 when the code exists)."""
        data = s.CustomerSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def produce():
            customer = services.customer_intake_create(actor=request.user, **data.validated_data)
            return status.HTTP_201_CREATED, s.represent(s.CustomerSerializer, customer)

        return _idempotent(request, produce)


class CustomerDetailView(ScopedView):
    access = {"GET": ([Scope.READ_ORDERS, Scope.WRITE_ORDERS], ["customers.view_customer"])}

    @extend_schema(responses=s.CustomerSerializer)
    def get(self, request, code: str):
        customer = selectors.api_customers(user=request.user, code=code).get()
        return Response(s.represent(s.CustomerSerializer, customer))


# ---------------------------------------------------------------- orders


class OrderListView(ScopedView):
    access = {
        "GET": ([Scope.READ_ORDERS], ["orders.view_salesorder"]),
        "POST": ([Scope.WRITE_ORDERS], ["orders.add_salesorder"]),
    }

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=SalesOrder.Status.values),
            OpenApiParameter("customer", OpenApiTypes.STR, description="Customer code."),
            UPDATED_SINCE,
            *CURSOR_PARAMETERS,
        ],
        responses=s.page_serializer(s.OrderSummarySerializer, "OrderPage"),
        operation_id="orders_list",
    )
    def get(self, request):
        """Orders the user may see in the UI, newest first; cursor pages are stable."""
        order_status = request.query_params.get("status", "")
        if order_status and order_status not in SalesOrder.Status.values:
            raise exceptions.ValidationError({"status": [_("Unknown status.")]})
        orders = selectors.api_orders(
            user=request.user,
            status=order_status,
            customer=request.query_params.get("customer", ""),
            updated_since=_datetime_param(request, "updated_since"),
        )
        return self.page(
            request, orders, ordering="-created_at", serializer=s.OrderSummarySerializer
        )

    @extend_schema(
        request=s.OrderInputSerializer,
        responses={201: s.OrderSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        """Create an order priced by the pricing engine (or the given unit prices); with
        `submit` it is submitted at once (stock, credit, approvals)."""
        data = s.OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        api_key = request_api_key(request)
        channel = api_key.channel if api_key else None

        def produce():
            order = services.order_intake(
                actor=request.user,
                channel=channel,
                external_id=values["external_id"],
                customer_code=values["customer"],
                currency=values.get("currency", ""),
                warehouse_code=values.get("warehouse", ""),
                lines=[
                    services.IntakeLine(
                        sku=line["sku"], quantity=line["quantity"], unit_price=line["unit_price"]
                    )
                    for line in values["lines"]
                ],
                shipping_address=values["shipping_address"],
                note=values["note"],
                submit=values["submit"],
            )
            order = selectors.api_order_written(order=order, channel=channel)
            return status.HTTP_201_CREATED, s.represent(s.OrderSerializer, order)

        return _idempotent(request, produce)


class OrderDetailView(ScopedView):
    access = {"GET": ([Scope.READ_ORDERS, Scope.WRITE_ORDERS], ["orders.view_salesorder"])}

    @extend_schema(responses=s.OrderSerializer)
    def get(self, request, number: str):
        order = selectors.api_order_get(user=request.user, number=number)
        return Response(s.represent(s.OrderSerializer, order))


class OrderSubmitView(ScopedView):
    access = {"POST": ([Scope.WRITE_ORDERS], ["orders.view_salesorder"])}

    @extend_schema(request=None, responses=s.OrderSerializer, parameters=[IDEMPOTENCY_KEY])
    def post(self, request, number: str):
        """Submit a draft: reserve stock, check credit, route approval."""
        order = selectors.api_order_get(user=request.user, number=number)

        def produce():
            services.order_submit(order_id=order.pk, actor=request.user)
            fresh = selectors.api_order_get(user=request.user, number=number)
            return status.HTTP_200_OK, s.represent(s.OrderSerializer, fresh)

        return _idempotent(request, produce)


class OrderCancelView(ScopedView):
    access = {"POST": ([Scope.WRITE_ORDERS], ["orders.view_salesorder"])}

    @extend_schema(
        request=s.CancelInputSerializer, responses=s.OrderSerializer, parameters=[IDEMPOTENCY_KEY]
    )
    def post(self, request, number: str):
        """Cancel an order that has shipped nothing; its stock is released."""
        order = selectors.api_order_get(user=request.user, number=number)
        data = s.CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def produce():
            services.order_cancel(
                order_id=order.pk, actor=request.user, comment=data.validated_data["reason"]
            )
            fresh = selectors.api_order_get(user=request.user, number=number)
            return status.HTTP_200_OK, s.represent(s.OrderSerializer, fresh)

        return _idempotent(request, produce)


# ---------------------------------------------------------------- shipments


class OrderShipmentListView(ScopedView):
    access = {
        "GET": ([Scope.READ_ORDERS, Scope.UPDATE_TRACKING], ["orders.view_shipment"]),
    }

    @extend_schema(responses=s.ShipmentSerializer(many=True))
    def get(self, request, number: str):
        """The order's shipments with carrier, tracking number and delivery state."""
        shipments = selectors.api_order_shipments(user=request.user, number=number)
        return Response([s.represent(s.ShipmentSerializer, shipment) for shipment in shipments])


class ShipmentDetailView(ScopedView):
    access = {
        "GET": ([Scope.READ_ORDERS, Scope.UPDATE_TRACKING], ["orders.view_shipment"]),
        "PATCH": ([Scope.UPDATE_TRACKING], ["orders.view_shipment"]),
    }

    @extend_schema(responses=s.ShipmentSerializer)
    def get(self, request, number: str):
        shipment = selectors.api_shipment_get(user=request.user, number=number)
        return Response(s.represent(s.ShipmentSerializer, shipment))

    @extend_schema(request=s.TrackingInputSerializer, responses=s.ShipmentSerializer)
    def patch(self, request, number: str):
        """Set the carrier and tracking number of a shipped shipment; `delivered` marks it
        delivered."""
        shipment = selectors.api_shipment_get(user=request.user, number=number)
        data = s.TrackingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        carrier_id = shipment.carrier_id
        if values.get("carrier"):
            carrier_id = (
                Carrier.objects.filter(code=values["carrier"]).values_list("pk", flat=True).first()
            )
            if carrier_id is None:
                raise exceptions.ValidationError({"carrier": [_("Unknown carrier code.")]})
        services.shipment_tracking_update(
            shipment_id=shipment.pk,
            actor=request.user,
            carrier_id=carrier_id,
            tracking_number=values["tracking_number"],
        )
        if values["delivered"] and shipment.status == shipment.Status.CONFIRMED:
            services.shipment_deliver(shipment_id=shipment.pk, actor=request.user)
        fresh = selectors.api_shipment_get(user=request.user, number=number)
        return Response(s.represent(s.ShipmentSerializer, fresh))
