from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of one task worker (``manage.py worker``), one
    row per worker id, written every WORKER_HEARTBEAT_SECONDS. /healthz reads
    it: no fresh row means no worker takes tasks from the queue."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(help_text="When this worker process started.")
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"
