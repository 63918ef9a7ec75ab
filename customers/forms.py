"""Forms of the customers app (admin and pages)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import PriceRule


def _periods_overlap(a_from, a_to, b_from, b_to) -> bool:
    """Inclusive date ranges; an empty end is open."""
    starts_before_b_ends = b_to is None or a_from is None or a_from <= b_to
    b_starts_before_a_ends = a_to is None or b_from is None or b_from <= a_to
    return starts_before_b_ends and b_starts_before_a_ends


class PriceRuleForm(forms.ModelForm):
    """A price rule; refuses a twin that would make the choice depend on the id.

    Two active rules of one list for the same product or category, from the same
    quantity, with the same priority and overlapping validity are ambiguous.
    """

    class Meta:
        model = PriceRule
        fields = (
            "name",
            "product_sku",
            "category_code",
            "min_quantity",
            "basis",
            "fixed_price_amount",
            "discount_percent",
            "break_mode",
            "priority",
            "valid_from",
            "valid_to",
            "is_active",
        )

    def clean(self):
        data = super().clean()
        sku = (data.get("product_sku") or "").strip()
        code = (data.get("category_code") or "").strip()
        if bool(sku) == bool(code):
            raise forms.ValidationError(
                _("Give either a product SKU or a category code, not both."), code="scope"
            )
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("The end date is before the start date."))
        basis = data.get("basis")
        if basis == PriceRule.Basis.FIXED_PRICE and data.get("fixed_price_amount") is None:
            self.add_error("fixed_price_amount", _("A fixed price rule needs a price."))
        if basis == PriceRule.Basis.FIXED_PRICE and (data.get("fixed_price_amount") or 0) < 0:
            self.add_error("fixed_price_amount", _("The price cannot be negative."))
        discount = data.get("discount_percent")
        if basis == PriceRule.Basis.DISCOUNT_PERCENT and (
            discount is None or discount < 0 or discount > 100
        ):
            self.add_error("discount_percent", _("The discount must be between 0 and 100%."))
        price_list = data.get("price_list") or (
            self.instance.price_list if self.instance.price_list_id else None
        )
        if price_list is None or price_list.pk is None or not data.get("is_active"):
            return data
        twins = PriceRule.objects.filter(
            price_list=price_list,
            product_sku=sku,
            category_code=code,
            min_quantity=data.get("min_quantity"),
            priority=data.get("priority"),
            is_active=True,
        ).exclude(pk=self.instance.pk)
        for twin in twins:
            if _periods_overlap(valid_from, valid_to, twin.valid_from, twin.valid_to):
                raise forms.ValidationError(
                    _(
                        "The rule “%(rule)s” already prices this product or category from "
                        "the same quantity with the same priority in overlapping dates. "
                        "Change the priority, the quantity or the dates."
                    ),
                    code="overlap",
                    params={"rule": twin.name},
                )
        return data


class PriceRuleInlineFormSet(forms.BaseInlineFormSet):
    """Also refuses two overlapping twins entered together in one save."""

    def clean(self):
        super().clean()
        seen = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("is_active"):
                continue
            key = (
                (data.get("product_sku") or "").strip(),
                (data.get("category_code") or "").strip(),
                data.get("min_quantity"),
                data.get("priority"),
            )
            period = (data.get("valid_from"), data.get("valid_to"))
            for other_key, other_period, other_name in seen:
                if other_key == key and _periods_overlap(*period, *other_period):
                    raise forms.ValidationError(
                        _(
                            "The rules “%(first)s” and “%(second)s” price the same product "
                            "or category from the same quantity with the same priority in "
                            "overlapping dates."
                        ),
                        code="overlap",
                        params={"first": other_name, "second": data.get("name")},
                    )
            seen.append((key, period, data.get("name")))
