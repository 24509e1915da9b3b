"""PostgreSQL restarted under running `manage.py worker` processes: the
workers wait for it (they used to exit on the first OperationalError), come
back by themselves, and every certificate task runs to completion with its
effect exactly once: one certificate and one PDF per claim, nothing failed,
nothing left in the queue.

The test stops and starts the very cluster the tests run on, so it must be
told where it lives: PG_CTL_DATA_DIR, the cluster's data directory (.ci/run
sets it). Without it the test is skipped locally and fails under CI=true."""

import os
import pwd
import shlex
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from learning.certificates.recovery import ISSUE_CHUNK_TASK, RENDER_TASK
from learning.certificates.tasks import enqueue_issuance
from learning.models import Certificate
from workers.models import WorkerHeartbeat

from .conftest import wait_for
from .test_workers import (
    assert_each_claim_has_one_certificate_with_its_pdf,
    awaiting_claims,
    pending_tasks,
)

pytestmark = [
    # It stops the cluster every other test uses: never alongside them.
    pytest.mark.serial,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Cluster:
    """pg_ctl for the cluster in ``data_dir``, started again with the options
    it was started with (its postmaster.opts), as the directory's owner."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        command_line = shlex.split((self.data_dir / "postmaster.opts").read_text())
        self.pg_ctl = str(Path(command_line[0]).parent / "pg_ctl")
        options = command_line[1:]
        if "-D" in options:
            at = options.index("-D")
            del options[at : at + 2]
        self.options = options
        owner = pwd.getpwuid(self.data_dir.stat().st_uid).pw_name
        as_owner = os.geteuid() == 0 and owner != "root"
        self.prefix = ["runuser", "-u", owner, "--"] if as_owner else []

    @property
    def port(self):
        return self.options[self.options.index("-p") + 1] if "-p" in self.options else "5432"

    def pg_ctl_run(self, *args, check=True):
        return subprocess.run(  # noqa: S603 (pg_ctl of the cluster under test)
            [*self.prefix, self.pg_ctl, "-D", str(self.data_dir), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def running(self):
        return self.pg_ctl_run("status", check=False).returncode == 0

    def stop(self):
        self.pg_ctl_run("-m", "fast", "-w", "stop")

    def start(self):
        log = str(self.data_dir / "server.log")
        self.pg_ctl_run("-w", "-l", log, "-o", shlex.join(self.options), "start")


@pytest.fixture
def cluster():
    data_dir = os.environ.get("PG_CTL_DATA_DIR", "")
    if not data_dir:
        message = "PG_CTL_DATA_DIR (the test cluster's data directory) is not set"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: .ci/run must set it")
        pytest.skip(message)
    server = Cluster(data_dir)
    assert server.port == str(connection.settings_dict["PORT"] or 5432), (
        f"PG_CTL_DATA_DIR is the cluster on port {server.port}, "
        f"the tests run on port {connection.settings_dict['PORT']}"
    )
    yield server
    if not server.running():  # whatever happened, leave the database up
        server.start()
    connection.close()


def log_of(worker):
    return worker.log.read_text()


def test_workers_survive_a_postgresql_restart_and_run_every_task_once(
    cluster, workers, database_tasks
):
    path, staff, claim_ids = awaiting_claims(30)
    DBTaskResult.objects.all().delete()
    WorkerHeartbeat.objects.all().delete()
    w1 = workers("restart-w1", "--backoff-max", "2")
    w2 = workers("restart-w2", "--backoff-max", "2")
    pids = {w1.process.pid, w2.process.pid}
    wait_for(
        lambda: (
            WorkerHeartbeat.objects.filter(worker_id__in=["restart-w1", "restart-w2"]).count() == 2
        ),
        60,
        "the workers recorded no heartbeat",
    )
    enqueue_issuance(claim_ids, actor=staff)

    # Stop PostgreSQL while the workers are busy, about a third of the way in.
    wait_for(
        lambda: Certificate.objects.count() >= len(claim_ids) // 3,
        120,
        "the workers never got going",
    )
    connection.close()
    cluster.stop()
    stopped_at = timezone.now()
    for worker in (w1, w2):
        wait_for(
            lambda worker=worker: "lost the database" in log_of(worker),
            60,
            f"{worker.worker_id} did not notice the outage:\n{log_of(worker)}",
        )
    assert all(w.process.poll() is None for w in (w1, w2)), "a worker exited"
    cluster.start()

    wait_for(lambda: pending_tasks() == 0, 180, "the queue was not finished after the restart")

    # The same two processes, back by themselves.
    assert {w1.process.pid, w2.process.pid} == pids
    assert all(w.process.poll() is None for w in (w1, w2))
    for worker in (w1, w2):
        assert "reconnected to the database" in log_of(worker), log_of(worker)
        assert "Traceback" not in log_of(worker), log_of(worker)
    # Every task ran to success: each claim in exactly one chunk task (which
    # issues and renders it, so no render task is queued), none failed.
    results = DBTaskResult.objects.all()
    chunks = [r.args_kwargs["args"][0] for r in results.filter(task_path=ISSUE_CHUNK_TASK)]
    assert sorted(i for chunk in chunks for i in chunk) == sorted(claim_ids)
    assert not results.filter(task_path=RENDER_TASK).exists()
    for result in results:
        assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
    assert_each_claim_has_one_certificate_with_its_pdf(claim_ids)
    # Both workers record their heartbeat again.
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(last_seen__gt=stopped_at).count() == 2,
        60,
        "the workers did not record their heartbeat after the restart",
    )
