"""Background work of notifications: the top of the package."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from .delivery import deliver_pending
from .schedule import run_scans


@task()
def deliver_notifications() -> dict[str, int]:
    return deliver_pending().counts()


@task()
def run_notification_scans() -> dict[str, int]:
    """Every registered scan, then delivery."""
    results = run_scans(timezone.now())
    results.update(deliver_pending().counts())
    return results


def enqueue_delivery(sender: Any, notification_ids: list[int], **kwargs: Any) -> None:
    """Receiver of ``events.created``: a worker sends the e-mails. With
    in-process tasks (the embedded setup) nothing is queued, so no request
    ever sends mail: ``manage.py send_notifications`` does."""
    if isinstance(task_backends[deliver_notifications.backend], ImmediateBackend):
        return
    deliver_notifications.enqueue()
