"""Forms of the integrations page: channels, API keys and webhook subscriptions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from orders.integration.models import ApiKey, IntegrationChannel, WebhookSubscription


class BootstrapMixin:
    """Bootstrap classes on the inputs (checkboxes keep their own look)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class ChannelForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = IntegrationChannel
        fields = ["code", "name", "acts_as"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acts_as"].queryset = get_user_model().objects.filter(is_active=True)


class ApiKeyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple
    )


class WebhookForm(BootstrapMixin, forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookSubscription.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "secret", "events", "all_channels"]
