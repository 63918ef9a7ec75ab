"""Input shapes of the stock ledger screens: adjustment, transfer, stock take."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Product, ProductCategory, StockMove, Warehouse


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ProductBySkuField(forms.CharField):
    def clean(self, value):
        sku = super().clean(value).strip()
        product = Product.objects.filter(sku__iexact=sku).first()
        if product is None:
            raise forms.ValidationError(_("No product with SKU %(sku)s.") % {"sku": sku})
        return product


class StockAdjustmentForm(StyledForm):
    product = ProductBySkuField(label=_("SKU"), max_length=40)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.order_by("code"), empty_label=None
    )
    quantity = forms.IntegerField(
        label=_("Change (+ in, − out)"),
        help_text=_("Whole units; negative to book stock out."),
    )
    reason_code = forms.ChoiceField(label=_("Reason"), choices=StockMove.ReasonCode.choices)
    comment = forms.CharField(label=_("Comment"), max_length=200)

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Enter a change other than zero."))
        return quantity


class StockTransferForm(StyledForm):
    product = ProductBySkuField(label=_("SKU"), max_length=40)
    from_warehouse = forms.ModelChoiceField(
        label=_("From warehouse"), queryset=Warehouse.objects.order_by("code"), empty_label=None
    )
    to_warehouse = forms.ModelChoiceField(
        label=_("To warehouse"), queryset=Warehouse.objects.order_by("code"), empty_label=None
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


class StockTakeScopeForm(StyledForm):
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.order_by("code"), empty_label=None
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ProductCategory.objects.order_by("code"),
        required=False,
        empty_label=_("All categories"),
    )
