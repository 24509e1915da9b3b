"""django-tasks-db's worker, made to outlive database outages.

``db_worker`` exits on the first OperationalError: a PostgreSQL restart or a
failover stops every worker, while the app servers carry on. ``ResilientWorker``
runs the same loop and, when the database goes away:

* logs the outage once, closes the broken connection and waits, with capped
  exponential backoff and jitter (0.5 s, 1 s, 2 s ... up to
  WORKER_BACKOFF_MAX_SECONDS, each between half and all of it, so a pool of
  workers does not reconnect in step), until the database answers again;
* then puts back in the queue the tasks still RUNNING under its own worker id.
  A worker runs one task at a time, so when it is back in its loop none of
  them can still be running: they are the task the outage interrupted, or a
  claim whose commit reached the database while its answer did not. Tasks of
  other workers are never touched here (learning's recovery handles workers
  that never come back).

A task that fails *because* the database went away (a database error, and
the connection is gone) is not marked FAILED, which would drop it: it stays
RUNNING and goes back to the queue as above, to run again once the database
is back. Tasks must therefore be safe to run again, as Curbside's are
(certificate issuance and rendering, search index updates). A database error
on a connection that still works (a lock timeout, a constraint) is an
ordinary task failure.

It also records a heartbeat (workers.heartbeat) for /healthz.
"""

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone

from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .heartbeat import HeartbeatThread, forget_old_workers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0


class TaskInterrupted(OperationalError):
    """The database went away while a task ran: run it again later."""


def backoff_delays(
    first: float = BACKOFF_FIRST_SECONDS,
    cap: float = BACKOFF_MAX_SECONDS,
    rand: Callable[[], float] = random.random,
) -> Iterator[float]:
    """Waits before each reconnection attempt: doubling from ``first`` up to
    ``cap``, each scaled by a random factor between 0.5 and 1 (jitter)."""
    delay = min(first, cap)
    while True:
        yield delay * (0.5 + rand() / 2)
        delay = min(delay * 2, cap)


def _database_errors_in(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def connection_lost() -> bool:
    """Is this thread's database connection gone (server restarted, network
    cut)? psycopg marks such a connection broken or closed."""
    raw = connection.connection
    if raw is None:
        return True
    if getattr(raw, "broken", False):  # psycopg 3
        return True
    return bool(getattr(raw, "closed", False))  # psycopg 2 (an int), psycopg 3 (a bool)


def interrupted_by_outage(exc: BaseException) -> bool:
    return _database_errors_in(exc) and connection_lost()


def release_own_tasks(worker_id: str) -> int:
    """Put the tasks RUNNING under ``worker_id`` back to READY. Call only from
    that worker, between tasks (or before it starts)."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    mine = [
        row.pk
        for row in running.only("id", "worker_ids")
        if row.worker_ids and row.worker_ids[-1] == worker_id
    ]
    if not mine:
        return 0
    # Only rows still RUNNING (the filter is applied again in the UPDATE).
    return running.filter(pk__in=mine).update(status=TaskResultStatus.READY, started_at=None)


def close_connection() -> None:
    with contextlib.suppress(DatabaseError):  # it is broken: closing it is all we want
        connection.close()


class ResilientWorker(Worker):
    def __init__(self, *, backoff_max: float, heartbeat_interval: float, **kwargs):
        super().__init__(**kwargs)
        self.backoff_max = backoff_max
        self.heartbeat_interval = heartbeat_interval
        self.started_at = timezone.now()
        self.outages = 0

    def run(self) -> None:
        heartbeat = HeartbeatThread(self.worker_id, self.started_at, self.heartbeat_interval)
        heartbeat.start()
        try:
            try:
                self.take_back_own_tasks(reason="at start")
            except DATABASE_ERRORS as exc:
                self.wait_for_database(exc)
            while True:
                try:
                    super().run()  # returns only in --batch mode or after --max-tasks
                    return
                except DATABASE_ERRORS as exc:
                    if not self.running:  # asked to stop: do not wait
                        raise
                    self.startup_delay = False
                    self.wait_for_database(exc)
        finally:
            heartbeat.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # The parent records any exception with ``set_failed``; an outage is
        # raised instead, so the task stays RUNNING and is taken back.
        record_failure = db_task_result.set_failed

        def set_failed(exc: BaseException) -> None:
            if interrupted_by_outage(exc):
                raise TaskInterrupted(f"task {db_task_result.id} interrupted") from exc
            record_failure(exc)

        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    def take_back_own_tasks(self, reason: str) -> int:
        forget_old_workers()
        released = release_own_tasks(self.worker_id)
        if released:
            logger.warning(
                "Worker %s put %d task(s) of its own back in the queue (%s)",
                self.worker_id,
                released,
                reason,
            )
        return released

    def wait_for_database(self, exc: BaseException) -> None:
        """Wait until the database answers again, then take back this
        worker's interrupted tasks. Logs once when the outage starts and once
        when it ends."""
        self.outages += 1
        lost_at = time.monotonic()
        logger.warning(
            "Worker %s lost the database (%s); reconnecting with backoff (at most %gs apart)",
            self.worker_id,
            type(exc.__cause__ if isinstance(exc, TaskInterrupted) else exc).__name__,
            self.backoff_max,
        )
        attempts = 0
        for delay in backoff_delays(cap=self.backoff_max):
            close_connection()
            time.sleep(delay)
            attempts += 1
            try:
                self.take_back_own_tasks(reason="after a database outage")
            except DATABASE_ERRORS:
                continue
            logger.warning(
                "Worker %s reconnected to the database after %.1fs (%d attempt(s))",
                self.worker_id,
                time.monotonic() - lost_at,
                attempts,
            )
            return
