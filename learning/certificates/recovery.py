"""Recovery after a task worker dies (kill -9, a lost machine, an OOM kill).

django-tasks-db marks a task RUNNING when a worker claims it and only changes
that when the task returns or raises: a worker killed in the middle leaves
the row RUNNING for ever and nothing runs it again. The certificate tasks are
idempotent (a claim has at most one original certificate: a UniqueConstraint;
a PDF is stored once, under the row lock), so running one again is always
safe. Two ways back:

* ``release_orphaned_tasks``: put RUNNING certificate tasks back to READY
  when their worker is known to be gone: the worker id given (``make worker``
  does this for its own WORKER_ID before it starts, so a restarted worker
  first takes back what it was doing), or any worker when the task has been
  running longer than ``stale_after`` and its worker has recorded no
  heartbeat for WORKER_HEARTBEAT_STALE_SECONDS (a machine that never comes
  back; a live worker busy with a long task keeps its task).
* ``queue_missing``: queue issuance for approved claims that have no
  certificate and rendering for valid certificates with no ready PDF, unless
  a task for them is already waiting; this is what `issue_certificates`
  does for one path, for every path.

This module finds the work; ``learning.certificates.tasks`` queues it
(``queue_missing``; ``recover`` does both: ``manage.py recover_tasks``). ``make worker`` runs it
(for its own worker id) before starting ``manage.py worker``; run it from
cron for workers that never come back. (A worker that only lost the
database takes back its own tasks itself: workers.runner.)
"""

import datetime
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from django_tasks.base import TaskResultStatus

from workers.heartbeat import live_workers

from .bulk import certificates_needing_pdfs, claims_needing_certificates

ISSUE_TASK = "learning.certificates.tasks.issue_certificate_for_claim"
# Bulk issuance: a chunk of claim ids per task (tasks.enqueue_issuance).
ISSUE_CHUNK_TASK = "learning.certificates.tasks.issue_certificates_for_claims"
RENDER_TASK = "learning.certificates.tasks.render_certificate_pdf"
CERTIFICATE_TASKS = (ISSUE_TASK, ISSUE_CHUNK_TASK, RENDER_TASK)
# No certificate task takes anywhere near this long (a render is well under a second).
STALE_AFTER = datetime.timedelta(minutes=15)


def _task_results() -> QuerySet[Any] | None:
    """The django-tasks-db result rows, or None when the app is not installed."""
    if not apps.is_installed("django_tasks_db"):
        return None
    return apps.get_model("django_tasks_database", "DBTaskResult")._default_manager.all()


def release_orphaned_tasks(
    worker_id: str | None = None, stale_after: datetime.timedelta | None = STALE_AFTER
) -> int:
    """Put certificate tasks left RUNNING by a dead worker back in the queue.
    Returns how many were released."""
    results = _task_results()
    if results is None:
        return 0
    running = results.filter(status=TaskResultStatus.RUNNING, task_path__in=CERTIFICATE_TASKS)
    cutoff = timezone.now() - stale_after if stale_after is not None else None
    alive = set(live_workers().values_list("worker_id", flat=True)) if cutoff else set()
    orphaned = []
    for row in running.only("id", "worker_ids", "started_at"):
        last_worker = row.worker_ids[-1] if row.worker_ids else None
        mine = worker_id is not None and last_worker == worker_id
        stale = cutoff is not None and row.started_at is not None and row.started_at < cutoff
        if mine or (stale and last_worker not in alive):
            orphaned.append(row.pk)
    if not orphaned:
        return 0
    # Only rows still RUNNING: a row its worker finished meanwhile stays finished.
    return running.filter(pk__in=orphaned).update(status=TaskResultStatus.READY, started_at=None)


def _waiting_ids(*task_paths: str) -> set[int]:
    """Claim or certificate ids (the first argument: one id, or a chunk of
    them) of tasks waiting or running."""
    results = _task_results()
    if results is None:
        return set()
    rows = results.filter(
        task_path__in=task_paths, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True)
    ids: set[int] = set()
    for row in rows:
        first = row["args"][0] if row.get("args") else None
        ids.update(first if isinstance(first, list) else [first] if first is not None else [])
    return ids


def missing_work(path: Any = None) -> tuple[list[int], list[int]]:
    """What no task is waiting for: approved claims (of ``path``, or of every
    path) without a certificate, and certificates without a ready PDF. Ids in
    ascending order."""
    being_issued = _waiting_ids(ISSUE_TASK, ISSUE_CHUNK_TASK)  # an issuing task renders too
    claim_ids = set(claims_needing_certificates(path=path).values_list("pk", flat=True))
    claim_ids -= being_issued
    needing_pdfs = certificates_needing_pdfs(path=path).values_list("pk", "claim_id")
    certificate_ids = {pk for pk, claim_id in needing_pdfs if claim_id not in being_issued}
    certificate_ids -= _waiting_ids(RENDER_TASK)
    return sorted(claim_ids), sorted(certificate_ids)
