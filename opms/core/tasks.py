"""Celery tasks of the core: sending the tasks kept while the broker was away."""

from opms.core.queue import pending_tasks_flush

__all__ = ["pending_tasks_flush"]
