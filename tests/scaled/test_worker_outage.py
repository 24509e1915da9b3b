"""`manage.py worker` without a database: it waits and retries instead of
exiting (django-tasks-db's `db_worker` exits on the first OperationalError),
and still stops cleanly on SIGTERM. Its backoff, what it takes back after an
outage, and a database error that is not an outage. Any database."""

import signal
import subprocess
import sys

from django.db import OperationalError

import pytest
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from workers.runner import ResilientWorker, backoff_delays, release_own_tasks

from .conftest import ROOT, wait_for, worker_env

UNREACHABLE_DB = "postgres://curbside:db-secret-pw@127.0.0.1:9/curbside"


@task()
def fails_with_a_database_error():
    raise OperationalError("canceling statement due to lock timeout")


@task()
def does_nothing():
    return "done"


def test_a_worker_waits_for_a_database_that_does_not_answer(tmp_path):
    log = tmp_path / "worker.log"
    env = {**worker_env(), "DATABASE_URL": UNREACHABLE_DB}
    with log.open("w") as handle:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "manage.py", "worker", "--worker-id", "lonely", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: "lost the database" in log.read_text() or process.poll() is not None,
            60,
            "the worker neither waited nor exited",
        )
        assert process.poll() is None, f"the worker exited:\n{log.read_text()}"
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    text = log.read_text()
    assert text.count("lost the database") == 1  # logged once, not at every attempt
    assert "Worker lonely lost the database (OperationalError)" in text
    assert "db-secret-pw" not in text


def test_backoff_doubles_up_to_the_cap_with_jitter():
    def first(delays, count):
        return [round(next(delays), 3) for _ in range(count)]

    assert first(backoff_delays(0.5, 4, rand=lambda: 1.0), 6) == [0.5, 1, 2, 4, 4, 4]
    assert first(backoff_delays(0.5, 4, rand=lambda: 0.0), 6) == [0.25, 0.5, 1, 2, 2, 2]


def running_task(worker_id):
    result = does_nothing.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    return row.pk


@pytest.mark.django_db
def test_after_an_outage_a_worker_takes_back_only_its_own_running_tasks(database_tasks):
    mine = running_task("w-1")
    others = running_task("w-2")
    taken_over = running_task("w-2")
    DBTaskResult.objects.filter(pk=taken_over).update(worker_ids=["w-2", "w-1"])

    assert release_own_tasks("w-1") == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[mine] == statuses[taken_over] == TaskResultStatus.READY
    assert statuses[others] == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_database_error_on_a_working_connection_is_an_ordinary_failure(database_tasks):
    result = fails_with_a_database_error.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("w-1")
    worker = ResilientWorker(
        queue_names=["*"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-1",
        excluded_queue_names=[],
        backoff_max=1,
        heartbeat_interval=1,
    )
    worker.run_task(row)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "django.db.utils.OperationalError"
