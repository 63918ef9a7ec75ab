"""Input and output shapes of the order-intake API; no business work here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.models import Customer
from inventory.models import Product, StockLevel
from orders.models import SalesOrder, SalesOrderLine, Shipment

MONEY = {"max_digits": 14, "decimal_places": 2}


class AvailabilitySerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    available = serializers.IntegerField()

    class Meta:
        model = StockLevel
        fields = ["warehouse", "on_hand", "reserved", "available"]


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", allow_null=True, default=None)
    list_price = serializers.DecimalField(source="list_price_amount", **MONEY)
    availability = AvailabilitySerializer(source="stock_levels", many=True)

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "category",
            "unit",
            "list_price",
            "is_active",
            "updated_at",
            "availability",
        ]


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "tax_id",
            "tier",
            "currency",
            "payment_terms_days",
            "contact_name",
            "phone",
            "email",
            "address",
            "is_active",
        ]
        read_only_fields = ["is_active"]
        extra_kwargs = {
            "code": {"validators": []},  # uniqueness is the service's (409), not a 400
            "currency": {"min_length": 3, "max_length": 3},
        }


class OrderLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_price = serializers.DecimalField(
        **MONEY, min_value=0, required=False, allow_null=True, default=None
    )


class OrderInputSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=60)
    customer = serializers.CharField(max_length=20, help_text=_("The customer's code."))
    currency = serializers.CharField(min_length=3, max_length=3, required=False)
    warehouse = serializers.CharField(
        max_length=20, required=False, help_text=_("Warehouse code; default: the customer's.")
    )
    lines = OrderLineInputSerializer(many=True, min_length=1, max_length=500)
    shipping_address = serializers.CharField(max_length=1000, required=False, default="")
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    submit = serializers.BooleanField(required=False, default=False)


class OrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    unit_price = serializers.DecimalField(source="unit_price_amount", **MONEY)
    list_price = serializers.DecimalField(source="list_price_amount", **MONEY)
    net_amount = serializers.DecimalField(**MONEY)
    tax_amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = SalesOrderLine
        fields = [
            "line_no",
            "sku",
            "quantity",
            "unit_price",
            "list_price",
            "discount_percent",
            "price_rule_name",
            "net_amount",
            "tax_amount",
            "quantity_backordered",
            "quantity_shipped",
        ]


class OrderSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code")
    channel = serializers.CharField(source="channel.code", allow_null=True, default=None)
    lines = OrderLineSerializer(many=True)
    lines_amount = serializers.DecimalField(**MONEY)
    discount_amount = serializers.DecimalField(**MONEY)
    tax_amount = serializers.DecimalField(**MONEY)
    total_amount = serializers.DecimalField(**MONEY)
    paid_amount = serializers.DecimalField(**MONEY)
    invoice_status = serializers.CharField()
    payment_status = serializers.CharField()

    class Meta:
        model = SalesOrder
        fields = [
            "number",
            "external_id",
            "channel",
            "status",
            "customer",
            "currency",
            "order_date",
            "shipping_address",
            "note",
            "approval_reason",
            "lines",
            "lines_amount",
            "discount_amount",
            "tax_amount",
            "total_amount",
            "paid_amount",
            "invoice_status",
            "payment_status",
            "created_at",
            "updated_at",
        ]


class OrderSummarySerializer(OrderSerializer):
    class Meta(OrderSerializer.Meta):
        fields = [field for field in OrderSerializer.Meta.fields if field != "lines"]


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ShipmentSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number")
    warehouse = serializers.CharField(source="warehouse.code")
    carrier = serializers.CharField(source="carrier.code", allow_null=True, default=None)
    delivery_state = serializers.CharField(source="status")

    class Meta:
        model = Shipment
        fields = [
            "number",
            "order",
            "warehouse",
            "delivery_state",
            "carrier",
            "tracking_number",
            "confirmed_at",
            "delivered_at",
        ]


class TrackingInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=20, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=60, allow_blank=True)
    delivered = serializers.BooleanField(
        required=False, default=False, help_text=_("True once the goods reached the customer.")
    )


_built: dict[type[serializers.BaseSerializer], serializers.BaseSerializer] = {}


def represent(serializer_class: type[serializers.BaseSerializer], instance) -> dict:
    """What `serializer_class(instance).data` gives, from one serializer per class whose fields
    are built once per process: building a ModelSerializer's fields on every request costs
    several times what rendering one order with its lines does. For output serializers that
    read no context (all of the above)."""
    serializer = _built.get(serializer_class)
    if serializer is None:
        serializer = serializer_class()
        serializer.fields  # noqa: B018 - built here, once
        _built[serializer_class] = serializer
    return serializer.to_representation(instance)


def page_serializer(item_serializer, name: str):
    """The cursor page envelope: results plus opaque `next` / `previous` links."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
