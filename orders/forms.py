"""Input shapes of the order screens: header, lines, decisions, shipments."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from customers.custom_fields import custom_fields_for, custom_form_fields
from customers.models import Customer, CustomField
from customers.selectors import customers_for_order_entry
from inventory.models import Product, ProductCategory
from inventory.selectors import carrier_list, warehouse_list
from orders.models import ApprovalReminderSettings, ApprovalRule


class OrderHeaderForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=customers_for_order_entry(),
        empty_label=_("Choose a customer"),
    )
    warehouse = forms.ModelChoiceField(
        label=_("Ship from"), queryset=warehouse_list(), empty_label=None
    )
    requested_delivery_on = forms.DateField(
        label=_("Requested delivery"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    customer_reference = forms.CharField(
        label=_("Customer PO number"), max_length=60, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_priority = forms.BooleanField(
        label=_("Priority order"),
        required=False,
        help_text=_("Priority orders get arriving stock before the others."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Sales users can order only for the customers they may see.
        self.fields["customer"].queryset = customers_for_order_entry(user=user)
        self.custom_definitions = list(custom_fields)
        self.fields.update(custom_form_fields(self.custom_definitions))
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class OrderLineForm(forms.Form):
    product = forms.CharField(
        label=_("Product"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "list": "product-options",
                "placeholder": _("SKU or name"),
                "autocomplete": "off",
            }
        ),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm num", "min": 1}),
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={
                "class": "form-control form-control-sm num",
                "step": "0.01",
                "placeholder": _("list price"),
            }
        ),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"class": "form-control form-control-sm num", "step": "0.5"}
        ),
    )

    def __init__(self, *args, products_by_sku=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The formset reads every line's product in one query (no query per line).
        self.products_by_sku = products_by_sku

    def clean_product(self) -> Product:
        sku = _sku_of(self.cleaned_data["product"])
        if self.products_by_sku is not None:
            product = self.products_by_sku().get(sku.lower())
        else:
            product = Product.objects.filter(sku__iexact=sku, is_active=True).first()
        if product is None:
            raise forms.ValidationError(
                _("No active product with SKU “%(sku)s”."),
                code="unknown_product",
                params={"sku": sku},
            )
        return product


def _sku_of(text: str) -> str:
    """The SKU typed or picked from the datalist ("SKU name")."""
    return text.strip().split(" ", 1)[0]


class BaseOrderLineFormSet(forms.BaseFormSet):
    """The order lines; their products are read in one query, by SKU (any case)."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "products_by_sku": self.products_by_sku}

    def products_by_sku(self) -> dict[str, Product]:
        if not hasattr(self, "_products_by_sku"):
            suffix = "-product"
            skus = {
                _sku_of(value).lower()
                for key, value in (self.data.items() if self.is_bound else [])
                if key.startswith(f"{self.prefix}-") and key.endswith(suffix) and value.strip()
            }
            products = (
                Product.objects.annotate(sku_lower=Lower("sku"))
                .filter(sku_lower__in=skus, is_active=True)
                .order_by("pk")
                if skus
                else []
            )
            found: dict[str, Product] = {}
            for product in products:
                found.setdefault(product.sku.lower(), product)
            self._products_by_sku = found
        return self._products_by_sku


OrderLineFormSet = forms.formset_factory(
    OrderLineForm,
    formset=BaseOrderLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=200,
    validate_max=True,
)


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ShipmentConfirmForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Carrier"),
        queryset=carrier_list(),
        required=True,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class ApprovalRuleForm(forms.ModelForm):
    """The admin's rule editor: conditions (AND), approvers, quorum, deadline."""

    customer_tiers = forms.MultipleChoiceField(
        label=_("Customer tier in"),
        required=False,
        choices=Customer.Tier.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    product_categories = forms.ModelMultipleChoiceField(
        label=_("Product category in"),
        required=False,
        queryset=ProductCategory.objects.order_by("code"),
        to_field_name="code",
    )
    channels = forms.CharField(
        label=_("Order channel in"),
        required=False,
        help_text=_("Comma-separated, e.g. web, api, edi. Checked once orders carry a channel."),
    )
    custom_field_name = forms.ChoiceField(label=_("Custom field"), required=False)
    approver_users = forms.ModelMultipleChoiceField(
        label=_("Approving users"),
        required=False,
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )

    class Meta:
        model = ApprovalRule
        fields = [
            "name",
            "is_active",
            "valid_from",
            "valid_to",
            "position",
            "min_total_amount",
            "max_discount_percent",
            "use_role_discount_limit",
            "max_margin_percent",
            "manual_price_override",
            "customer_tiers",
            "over_credit_limit",
            "product_categories",
            "channels",
            "custom_field_name",
            "custom_field_value",
            "approver_kind",
            "approver_group",
            "approver_users",
            "quorum",
            "quorum_count",
            "deadline_hours",
            "deadline_action",
            "escalate_group",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custom_field_name"].choices = [("", "—")] + [
            (field.name, field.label) for field in custom_fields_for(CustomField.Target.ORDER)
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["channels"] = ", ".join(self.instance.channels or [])
            self.initial["product_categories"] = list(self.instance.product_categories or [])
        _style(self)

    def clean_channels(self) -> list[str]:
        text = self.cleaned_data.get("channels") or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    def clean_product_categories(self) -> list[str]:
        return [category.code for category in self.cleaned_data.get("product_categories") or []]


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ApprovalReminderSettings
        fields = [
            "remind_after_hours",
            "remind_every_hours",
            "escalate_after_hours",
            "escalate_group",
            "stuck_after_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("Delegate"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class CustomFieldForm(forms.ModelForm):
    class Meta:
        model = CustomField
        fields = [
            "target",
            "name",
            "label",
            "kind",
            "is_required",
            "help_text",
            "choices",
            "position",
            "is_filter",
        ]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip().lower().replace("-", "_")
        if not name.isidentifier():
            raise forms.ValidationError(
                _("Use lower-case letters, digits and underscores, starting with a letter.")
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == CustomField.Kind.CHOICE
            and not (cleaned.get("choices") or "").strip()
        ):
            self.add_error("choices", _("A choice list needs at least one choice."))
        return cleaned

    def validate_unique(self):
        # The service refuses duplicate and built-in names with its own message.
        pass


class BulkDecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
