"""Background work of notifications: the top of the package.

Delivery is coalesced: the e-mails of many notifications go out in one run
(``deliver_pending`` sends up to 1,000), so a commit that wrote notifications
queues a run only when none is already waiting to start, and a run that
stopped at its limit queues the next one itself."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .delivery import DeliveryReport, deliver_pending
from .schedule import run_scans


def _deliver() -> DeliveryReport:
    report = deliver_pending()
    if report.needs_another_run:
        queue_delivery()
    return report


@task()
def deliver_notifications() -> dict[str, int]:
    return _deliver().counts()


@task()
def run_notification_scans() -> dict[str, int]:
    """Every registered scan, then delivery."""
    results = run_scans(timezone.now())
    results.update(_deliver().counts())
    return results


def delivery_waiting() -> bool:
    """Is a delivery run queued and not started yet? (Database backend only:
    other backends cannot tell, so they always queue.) Such a run claims
    its e-mails after it starts, so it finds every notification committed
    before now: a second run would have nothing of its own to send."""
    backend = task_backends[deliver_notifications.backend]
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.ready()
        .filter(
            task_path=deliver_notifications.module_path,
            backend_name=backend.alias,
            queue_name=deliver_notifications.queue_name,
        )
        .exists()
    )


def in_process() -> bool:
    """Do tasks run in this process (the embedded setup), with no worker?"""
    return isinstance(task_backends[deliver_notifications.backend], ImmediateBackend)


def queue_delivery() -> None:
    """Queue a delivery run for the worker, unless one is waiting already.
    With in-process tasks (the embedded setup) nothing is queued, so no
    request ever sends mail: ``manage.py send_notifications`` does."""
    if in_process():
        return
    if delivery_waiting():
        return
    deliver_notifications.enqueue()


def enqueue_delivery(sender: Any, notification_ids: list[int], **kwargs: Any) -> None:
    """Receiver of ``events.created`` (sent once per commit that wrote
    notifications to e-mail): a worker sends them."""
    queue_delivery()


def deliver_from_command() -> DeliveryReport | None:
    """For a management command (cron, never a request) that has just
    committed notifications: with in-process tasks send the outbox now
    (leased like any delivery run, so nothing goes twice); with a worker the
    commit already queued a run, so nothing here."""
    if not in_process():
        return None
    return _deliver()
