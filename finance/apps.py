"""App config of finance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from finance.receivers import return_received_credit
        from orders.signals import return_received

        return_received.connect(return_received_credit, dispatch_uid="finance-return-credit")
