"""Forms of the integrations page: channels, API keys and webhook subscriptions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from orders.integration.models import ApiKey, IntegrationChannel, WebhookSubscription


class ChannelForm(forms.ModelForm):
    class Meta:
        model = IntegrationChannel
        fields = ["code", "name", "acts_as"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acts_as"].queryset = get_user_model().objects.filter(is_active=True)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple
    )


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookSubscription.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "secret", "events", "all_channels"]
