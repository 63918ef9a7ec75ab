"""Admin for customers (credit limits and terms; every change is in the history)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.forms import PriceRuleForm, PriceRuleInlineFormSet
from customers.models import CreditAlert, CreditPolicy, Customer, PriceList, PriceRule


class CustomerAdminForm(forms.ModelForm):
    """A credit limit change needs a reason; it goes into the audit history."""

    credit_limit_change_reason = forms.CharField(
        label=_("Reason for the credit limit change"), required=False, max_length=100
    )

    class Meta:
        model = Customer
        fields = "__all__"  # noqa: DJ007 (the admin shows every editable field)

    def clean(self):
        cleaned = super().clean()
        limit = cleaned.get("credit_limit_amount")
        if limit is not None and limit < 0:
            self.add_error("credit_limit_amount", _("A credit limit cannot be negative."))
        changed = self.instance.pk is not None and "credit_limit_amount" in self.changed_data
        if changed and not cleaned.get("credit_limit_change_reason", "").strip():
            self.add_error(
                "credit_limit_change_reason",
                _("Say why the credit limit changes; the reason is kept in the history."),
            )
        return cleaned


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    form = CustomerAdminForm
    list_display = ("code", "name", "tier", "credit_limit_amount", "receivable_amount", "sales_rep")
    list_filter = ("tier", "team", "is_active")
    search_fields = ("code", "name", "tax_id")
    readonly_fields = ("receivable_amount", "open_order_amount")

    def save_model(self, request, obj, form, change):
        # simple_history records the reason with the changed row (who, when, old, new, why).
        reason = form.cleaned_data.get("credit_limit_change_reason", "").strip()
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)


@admin.register(CreditPolicy)
class CreditPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "submit_check", "shipment_check", "overdue_days", "alert_percent")

    def has_add_permission(self, request):
        # One row, made by the data migration.
        return not CreditPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditAlert)
class CreditAlertAdmin(admin.ModelAdmin):
    list_display = ("customer", "level", "exposure_amount", "limit_amount", "notified_at")
    list_filter = ("level",)
    search_fields = ("customer__code", "customer__name")
    readonly_fields = (
        "customer",
        "level",
        "exposure_amount",
        "limit_amount",
        "cleared_at",
        "notified_at",
    )

    def has_add_permission(self, request):
        return False


class PriceRuleInline(admin.TabularInline):
    model = PriceRule
    form = PriceRuleForm
    formset = PriceRuleInlineFormSet
    extra = 1
    fields = PriceRuleForm.Meta.fields


@admin.register(PriceList)
class PriceListAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "kind",
        "tier",
        "customer",
        "currency",
        "is_promotion",
        "valid_from",
        "valid_to",
        "is_active",
    )
    list_filter = ("kind", "tier", "is_promotion", "is_active", "currency")
    search_fields = ("name", "customer__code", "customer__name")
    autocomplete_fields = ("customer",)
    inlines = [PriceRuleInline]


@admin.register(PriceRule)
class PriceRuleAdmin(SimpleHistoryAdmin):
    form = PriceRuleForm
    list_display = (
        "name",
        "price_list",
        "product_sku",
        "category_code",
        "min_quantity",
        "basis",
        "priority",
        "valid_from",
        "valid_to",
        "is_active",
    )
    list_filter = ("price_list__kind", "basis", "break_mode", "is_active", "price_list")
    search_fields = ("name", "product_sku", "category_code")

    def get_fields(self, request, obj=None):
        return ("price_list", *PriceRuleForm.Meta.fields)
