"""The Celery application and the one beat schedule of OPMS."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opms.settings")

app = Celery("opms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "orders-close-completed": {
        "task": "orders.tasks.orders_close_completed_task",
        "schedule": crontab(minute="*/10"),
    },
    "reports-sales-summary-recent": {
        "task": "reports.tasks.sales_summary_refresh_task",
        "schedule": crontab(minute="*/10"),
    },
    "reports-sales-summary-full": {
        "task": "reports.tasks.sales_summary_refresh_task",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"full": True},
    },
    "reports-send-scheduled": {
        "task": "reports.tasks.report_subscriptions_run_due_task",
        "schedule": crontab(minute="*/5"),
    },
}
