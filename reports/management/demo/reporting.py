"""Demo data of the reports: monthly sales targets, the manager's scheduled report, thresholds."""

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from reports.models import AlertSettings, ReportSubscription
from reports.services import sales_summary_refresh, sales_target_set

TARGETS = {"sales": Decimal("900000.00"), "sales2": Decimal("600000.00")}


def reporting_ensure() -> None:
    """Targets for this and last month, one weekly report for the manager (each once)."""
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=[*TARGETS, "manager"])
    }
    month = timezone.localdate().replace(day=1)
    last_month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    for username, amount in TARGETS.items():
        if username in users:
            for start in (month, last_month):
                sales_target_set(sales_rep=users[username], month=start, target_amount=amount)
    sales_summary_refresh()
    if not AlertSettings.objects.exists():
        AlertSettings.objects.create()
    manager = users.get("manager")
    if manager and not ReportSubscription.objects.filter(user=manager).exists():
        ReportSubscription.objects.create(
            user=manager,
            report="sales",
            filters={"period": "last_month", "group_by": "category"},
            frequency=ReportSubscription.Frequency.WEEKLY,
            send_at=time(8, 0),
            file_format=ReportSubscription.Format.PDF,
        )
