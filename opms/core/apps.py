"""App config of the cross-cutting core (money, numbering, errors, helpers)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opms.core"
    label = "core"
    verbose_name = _("Core")
