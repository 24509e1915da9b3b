"""The ``tasks`` check of /healthz, in ``CHECKS`` (the project's health view
finds it here): the task backend, and for the database queue its length and
lag and whether any worker has recorded a heartbeat lately."""

import datetime

from django.conf import settings
from django.utils import timezone

TASK_LAG_LIMIT_SECONDS = 300


def _duration(seconds: float) -> str:
    return str(datetime.timedelta(seconds=int(seconds)))


def check_tasks() -> dict:
    """Degraded when no worker has been seen for WORKER_HEARTBEAT_STALE_SECONDS
    or the oldest ready task has waited over TASKS_MAX_LAG_SECONDS."""
    from django.db.models import Max, Min, Q

    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    from .heartbeat import live_workers, stale_seconds
    from .models import WorkerHeartbeat

    default_task_backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    backend = type(default_task_backend)
    details = {"backend": f"{backend.__module__}.{backend.__qualname__}"}
    if not isinstance(default_task_backend, DatabaseBackend):
        return details  # tasks run in the web process: no queue, no workers

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    summary = ready.aggregate(
        oldest_enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        oldest_due=Min("run_after", filter=~Q(run_after=get_date_max())),
    )
    waiting_since = [value for value in summary.values() if value is not None]
    lag = max((now - min(waiting_since)).total_seconds(), 0.0) if waiting_since else 0.0
    last_seen = WorkerHeartbeat.objects.aggregate(last=Max("last_seen"))["last"]
    details.update(
        ready=ready.count(),
        running=DBTaskResult.objects.running().count(),
        oldest_ready_seconds=round(lag, 1),
        workers=live_workers(now).count(),
        last_worker_seen_seconds=(
            round(max((now - last_seen).total_seconds(), 0.0), 1) if last_seen else None
        ),
    )

    problems = []
    stale = stale_seconds()
    if details["workers"] == 0:
        seen = f"for over {_duration(stale)}" if last_seen else "yet"
        problems.append(f"no task worker has been seen {seen}: are the task workers running?")
    limit = getattr(settings, "TASKS_MAX_LAG_SECONDS", TASK_LAG_LIMIT_SECONDS)
    if lag > limit:
        problems.append(
            f"the oldest ready task has waited {_duration(lag)} (limit {_duration(limit)})"
        )
    if problems:
        details["degraded"] = True
        details["error"] = "; ".join(problems)
    return details


CHECKS = {"tasks": check_tasks}
