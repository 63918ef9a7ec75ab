"""Handing tasks to Celery so that a broker outage never breaks or slows a web request.

`enqueue_on_commit(task, *args)` sends after the transaction commits; when the broker
cannot take the message (Redis down), the failure is logged and the task is kept in the
PendingTask table, and `pending_tasks_flush` sends it once the broker is back (beat runs
it every minute, and every worker runs it when it starts). Tasks are idempotent, so the
rare double send (broker took it but the answer was lost) is harmless.
"""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction

from opms.core.models import PendingTask

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish now, without blocking retries; on failure keep the task for later. True if sent."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
        return True
    except Exception as error:  # noqa: BLE001 - any broker failure: keep it for later
        logger.warning("broker unavailable, task %s kept for later: %r", task.name, error)
        PendingTask.objects.create(
            task=task.name, args=list(args), kwargs=kwargs, error=repr(error)[:300]
        )
        return False


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue `task` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs), robust=True)


@shared_task(ignore_result=True)
def pending_tasks_flush(limit: int = 1000) -> int:
    """Send the kept tasks, oldest first; stop at the first broker failure. Returns the count."""
    from celery import current_app

    sent = 0
    for pending in PendingTask.objects.order_by("pk")[:limit]:
        with transaction.atomic():
            row = PendingTask.objects.select_for_update(skip_locked=True).filter(pk=pending.pk)
            claimed = row.first()
            if claimed is None:
                continue
            try:
                current_app.send_task(
                    claimed.task, args=claimed.args, kwargs=claimed.kwargs, retry=False
                )
            except Exception as error:  # noqa: BLE001
                row.update(attempts=claimed.attempts + 1, error=repr(error)[:300])
                logger.warning("broker still unavailable: %r", error)
                break
            claimed.delete()
            sent += 1
    return sent
