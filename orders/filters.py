"""Filters of the order and shipment lists (django-filter)."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from orders.models import SalesOrder, SalesOrderLine, Shipment


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SalesOrder.Status.choices)
    order_date_from = django_filters.DateFilter(
        label=_("From"), field_name="order_date", lookup_expr="gte"
    )
    order_date_to = django_filters.DateFilter(
        label=_("To"), field_name="order_date", lookup_expr="lte"
    )
    mine = django_filters.BooleanFilter(label=_("Only my orders"), method="only_mine")
    # Drill-down from dashboards and reports: ids, not choice lists (they never load a table).
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id")
    sales_rep = django_filters.NumberFilter(label=_("Sales rep"), field_name="sales_rep_id")
    team = django_filters.NumberFilter(label=_("Team"), field_name="team_id")
    warehouse = django_filters.NumberFilter(label=_("Warehouse"), field_name="warehouse_id")
    product = django_filters.NumberFilter(label=_("Product"), method="with_product")
    category = django_filters.NumberFilter(label=_("Category"), method="with_category")
    booked = django_filters.BooleanFilter(
        label=_("Booked (not draft or cancelled)"), method="only_booked"
    )
    shipped_from = django_filters.DateFilter(
        label=_("Shipped from"), field_name="shipped_at", lookup_expr="date__gte"
    )
    late = django_filters.BooleanFilter(
        label=_("Shipped after the requested date"), method="only_late"
    )

    class Meta:
        model = SalesOrder
        fields = ["q", "status", "order_date_from", "order_date_to", "mine"]

    def with_product(self, queryset, name, value):
        lines = SalesOrderLine.objects.filter(order=OuterRef("pk"), product_id=value)
        return queryset.filter(Exists(lines))

    def with_category(self, queryset, name, value):
        lines = SalesOrderLine.objects.filter(order=OuterRef("pk"), product__category_id=value)
        return queryset.filter(Exists(lines))

    def only_booked(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(status__in=[SalesOrder.Status.DRAFT, SalesOrder.Status.CANCELLED])

    def only_late(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            requested_delivery_on__isnull=False, shipped_at__date__gt=F("requested_delivery_on")
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(number__endswith=value)
            | Q(customer__name__icontains=value)
            | Q(customer__code__iexact=value)
            | Q(customer_reference__iexact=value)
        )

    def only_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(sales_rep=self.request.user)
        return queryset


class ShipmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Shipment.Status.choices)
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Shipment
        fields = ["status", "q", "warehouse"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(order__number__iexact=value)
            | Q(tracking_number__iexact=value)
        )
