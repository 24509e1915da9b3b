"""Worker heartbeats: each ``manage.py worker`` process upserts its row of
WorkerHeartbeat every WORKER_HEARTBEAT_SECONDS from a background thread (so a
long task does not make its worker look gone), and /healthz counts the rows
newer than WORKER_HEARTBEAT_STALE_SECONDS."""

import contextlib
import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
STALE_SECONDS = 120
# Rows of workers not seen for this long are deleted when a worker starts
# (worker ids generated at random would otherwise pile up).
FORGET_AFTER = datetime.timedelta(days=7)


def heartbeat_seconds() -> float:
    return getattr(settings, "WORKER_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)


def stale_seconds() -> float:
    return getattr(settings, "WORKER_HEARTBEAT_STALE_SECONDS", STALE_SECONDS)


def beat(worker_id: str, started_at: datetime.datetime, now=None) -> None:
    """Record that ``worker_id`` is alive: one INSERT ... ON CONFLICT UPDATE."""
    row = WorkerHeartbeat(
        worker_id=worker_id,
        hostname=socket.gethostname()[:255],
        pid=os.getpid(),
        started_at=started_at,
        last_seen=now or timezone.now(),
    )
    WorkerHeartbeat.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["worker_id"],
        update_fields=["hostname", "pid", "started_at", "last_seen"],
    )


def live_workers(now=None):
    """Heartbeats newer than the stale limit: the workers taking tasks."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=stale_seconds())
    return WorkerHeartbeat.objects.filter(last_seen__gte=cutoff)


def forget_old_workers(now=None) -> int:
    cutoff = (now or timezone.now()) - FORGET_AFTER
    return WorkerHeartbeat.objects.filter(last_seen__lt=cutoff).delete()[0]


class HeartbeatThread(threading.Thread):
    """Beats at once, then every ``interval`` seconds until stopped. A
    database outage is logged once, when it starts, and once when beats get
    through again; the thread keeps trying meanwhile."""

    def __init__(self, worker_id: str, started_at: datetime.datetime, interval: float):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = started_at
        self.interval = interval
        self.failing = False
        self._stopped = threading.Event()

    def run(self):
        while not self._stopped.is_set():
            try:
                beat(self.worker_id, self.started_at)
            except DatabaseError as exc:
                if not self.failing:
                    logger.warning(
                        "Worker %s cannot record its heartbeat (%s); retrying every %gs",
                        self.worker_id,
                        type(exc).__name__,
                        self.interval,
                    )
                self.failing = True
            else:
                if self.failing:
                    logger.warning("Worker %s records its heartbeat again", self.worker_id)
                self.failing = False
            finally:
                # This thread's own connection: a fresh one for every beat.
                with contextlib.suppress(DatabaseError):
                    connection.close()
            self._stopped.wait(self.interval)

    def stop(self):
        self._stopped.set()
