"""The Celery application and the one beat schedule of OPMS."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opms.settings")

app = Celery("opms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "orders-close-completed": {
        "task": "orders.tasks.orders_close_completed_task",
        "schedule": crontab(minute="*/10"),
    },
    "purchasing-suggestions-compute": {
        "task": "purchasing.tasks.suggestions_compute_task",
        "schedule": crontab(minute="*/15"),
    },
    "finance-overdue-reminders": {
        "task": "finance.tasks.overdue_reminders_send_task",
        "schedule": crontab(hour=9, minute=0),
    },
    "orders-approval-reminders": {
        "task": "orders.tasks.approval_reminders_send_task",
        "schedule": crontab(minute="*/15"),
    },
    "finance-returns-credit-pending": {
        "task": "finance.tasks.returns_credit_pending_task",
        "schedule": crontab(minute="*/10"),
    },
    "notifications-email-pending": {
        "task": "opms.notifications.tasks.notifications_email_pending_task",
        "schedule": crontab(minute="*/5"),
    },
    "orders-webhook-sweep": {
        "task": "orders.integration.tasks.webhook_deliveries_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    "orders-idempotency-purge": {
        "task": "orders.integration.tasks.idempotency_records_purge_task",
        "schedule": crontab(minute=17),
    },
    # Tasks kept while the broker was down (opms.core.queue) go out once it is back.
    "core-pending-tasks-flush": {
        "task": "opms.core.queue.pending_tasks_flush",
        "schedule": 60.0,
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


@worker_ready.connect
def _flush_pending_tasks(sender=None, **kwargs):
    sender.app.send_task("opms.core.queue.pending_tasks_flush")
