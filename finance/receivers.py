"""Finance's answers to other apps' domain signals."""

from opms.core.queue import enqueue_on_commit


def return_received_credit(sender, *, return_id: int, order_id: int, actor, **kwargs) -> None:
    """A received return is credited by a task (and by the sweep if that task is lost)."""
    from finance.tasks import return_credit_task

    enqueue_on_commit(return_credit_task, return_id, actor.pk)
