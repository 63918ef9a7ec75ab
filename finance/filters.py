"""Filters of the invoice and payment lists (django-filter)."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finance.models import Invoice, Payment


class InvoiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Invoice.Status.choices)
    overdue = django_filters.BooleanFilter(label=_("Only overdue"), method="only_overdue")

    class Meta:
        model = Invoice
        fields = ["q", "status", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(number__endswith=value)
            | Q(order__number__iexact=value)
            | Q(order__number__endswith=value)
            | Q(customer__name__icontains=value)
            | Q(customer__code__iexact=value)
        )

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=Invoice.OPEN, due_on__lt=timezone.localdate())


class PaymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    unallocated = django_filters.BooleanFilter(
        label=_("Only with unallocated amount"), method="only_unallocated"
    )
    method = django_filters.ChoiceFilter(label=_("Method"), choices=Payment.Method.choices)

    class Meta:
        model = Payment
        fields = ["q", "unallocated", "method"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(number__endswith=value)
            | Q(bank_reference__iexact=value)
            | Q(customer__name__icontains=value)
            | Q(customer__code__iexact=value)
        )

    def only_unallocated(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(allocated_amount=F("amount"))
