"""Reports own no business rows; this model only carries the dashboard permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can view the management dashboard"))]
        verbose_name = _("dashboard")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
