"""Input shapes of the reports app: alert thresholds and report subscriptions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import AlertSettings, ReportSubscription


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["stuck_order_days", "approval_wait_hours", "credit_warning_percent"]

    def clean_credit_warning_percent(self):
        value = self.cleaned_data["credit_warning_percent"]
        if not 1 <= value <= 100:
            raise forms.ValidationError(_("Between 1 and 100."))
        return value


class SubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=ReportSubscription.Frequency.choices
    )
    send_at = forms.TimeField(label=_("Time of day"), initial="08:00")
    file_format = forms.ChoiceField(label=_("Format"), choices=ReportSubscription.Format.choices)
