"""Enqueueing Celery tasks so that a broker outage never breaks a web request."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger("opms.tasks")


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Send ``task`` once the current transaction commits. If the broker cannot be
    reached the failure is logged, not raised: the work is either retried by a sweep
    task that reads its own outbox rows, or done again by the next periodic run."""
    transaction.on_commit(partial(_send, task, args, kwargs))


def _send(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # noqa: BLE001 - any broker error must stay out of the request
        logger.warning("could not enqueue %s; it will be picked up later", task.name, exc_info=True)
