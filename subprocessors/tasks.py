"""Celery tasks of sub-processors (queue "default"): each takes ids, calls a service, and is safe
to run twice."""

from celery import shared_task

from subprocessors import services


@shared_task
def run_dispatch(dispatch_id: int) -> int | None:
    dispatch = services.dispatch_run(dispatch_id=dispatch_id)
    return dispatch.recipients_done if dispatch is not None else None


@shared_task
def run_due_dispatches() -> int:
    """Every minute (beat): dispatches whose window closed but whose task was lost, and those
    whose worker stopped mid-way."""
    dispatch_ids = services.dispatches_due()
    for dispatch_id in dispatch_ids:
        run_dispatch.delay(dispatch_id)
    return len(dispatch_ids)


@shared_task
def make_due_notices_effective() -> int:
    return services.notices_make_due_effective()


@shared_task
def delete_unverified_subscriptions() -> int:
    return services.subscriptions_delete_unverified()
