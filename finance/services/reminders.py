"""Overdue reminders, recorded once per invoice and step of the schedule."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from finance.mailing import reminder_schedule_get
from finance.models import OverdueReminder
from finance.selectors import invoices_due_for_reminder


def overdue_reminders_send(*, as_of: date | None = None) -> list[int]:
    """Record one reminder per open overdue invoice at the latest step of the schedule it
    reached (days past due). A step is recorded once per invoice, so this may run any
    number of times a day. Returns the reminders still to deliver (new or left unsent
    by a failed run); delivering one twice is refused by its `sent_to` mark."""
    as_of = as_of or timezone.localdate()
    steps = reminder_schedule_get().days
    if steps:
        for invoice in invoices_due_for_reminder(as_of=as_of):
            overdue = (as_of - invoice.due_on).days
            reached = [step for step in steps if step <= overdue]
            if reached:
                overdue_reminder_record(invoice_id=invoice.pk, step=max(reached))
    return list(
        OverdueReminder.objects.filter(sent_to="").order_by("pk").values_list("pk", flat=True)
    )


@transaction.atomic
def overdue_reminder_record(*, invoice_id: int, step: int) -> bool:
    """Record the reminder for this step; False when it exists (the unique constraint
    decides under concurrency)."""
    _reminder, is_new = OverdueReminder.objects.get_or_create(
        invoice_id=invoice_id, days_overdue=step
    )
    return is_new
