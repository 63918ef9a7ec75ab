"""Filters of the order and shipment lists (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import SalesOrder, Shipment


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

    class Meta:
        model = SalesOrder
        fields = ["q", "status", "order_date_from", "order_date_to", "mine"]

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
