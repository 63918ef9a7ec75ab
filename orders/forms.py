"""Input shapes of the order screens: header, lines, decisions, shipments."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.selectors import customers_for_order_entry
from inventory.models import Product
from inventory.selectors import carrier_list, warehouse_list


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
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Sales users can order only for the customers they may see.
        self.fields["customer"].queryset = customers_for_order_entry(user=user)
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

    def clean_product(self) -> Product:
        text = self.cleaned_data["product"].strip()
        sku = text.split(" ", 1)[0]
        product = Product.objects.filter(sku__iexact=sku, is_active=True).first()
        if product is None:
            raise forms.ValidationError(
                _("No active product with SKU “%(sku)s”."),
                code="unknown_product",
                params={"sku": sku},
            )
        return product


OrderLineFormSet = forms.formset_factory(
    OrderLineForm, extra=0, min_num=1, validate_min=True, max_num=200, validate_max=True
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
