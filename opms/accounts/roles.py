"""The roles of OPMS: one auth group each; their permissions are set by data migrations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales")
    APPROVER = "approver", _("Approver")
    WAREHOUSE = "warehouse", _("Warehouse")
    PURCHASING = "purchasing", _("Purchasing")
    FINANCE = "finance", _("Finance")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")
