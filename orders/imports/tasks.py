"""Celery wrappers of large imports: check and import by a worker, with progress."""

from celery import shared_task

from orders.imports.processing import import_check, import_confirm


@shared_task(acks_late=True)
def import_check_task(batch_id: int) -> str:
    return import_check(batch_id=batch_id).status


@shared_task(acks_late=True)
def import_confirm_task(batch_id: int) -> str:
    return import_confirm(batch_id=batch_id).status
