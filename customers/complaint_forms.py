"""Input shapes of the complaint and interaction forms on the customer page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Complaint, Interaction


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["title", "category", "severity", "order_reference", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")


class ComplaintAdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Complaint.Status.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, max_length=4000)


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")
