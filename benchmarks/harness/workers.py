"""Task workers: ``manage.py db_worker`` processes on the django-tasks database
queue, started, killed and restarted the way `make worker` runs them, and the
queue's state read straight from PostgreSQL."""

import json
import signal
import subprocess
import sys

from benchmarks.harness import ROOT
from benchmarks.harness.postgres import query
from benchmarks.harness.processes import manage

TASKS_TABLE = "django_tasks_database_dbtaskresult"


class Worker:
    """One ``db_worker`` process with a fixed worker id; its output goes to
    ``<logs>/<worker id>.log``."""

    def __init__(self, worker_id, env, logs, interval=0.2, command="db_worker"):
        self.worker_id, self.env, self.logs, self.interval = worker_id, env, logs, interval
        # "worker": Curbside's own (what `make worker` runs: db_worker that
        # outlives database outages and records a heartbeat).
        self.command = command
        self.process = None

    def recover(self):
        """What `make worker` runs first: release the tasks this id left RUNNING."""
        out = manage(["recover_tasks", "--worker-id", self.worker_id, "--json"], self.env)
        return json.loads(out.strip().splitlines()[-1])

    def start(self):
        self.logs.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "manage.py", self.command, "--queue-name", "*"]
        command += ["--worker-id", self.worker_id, "--no-reload"]
        command += ["--interval", str(self.interval)]
        with (self.logs / f"{self.worker_id}.log").open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def queue_counts(db_url):
    """(certificates, tasks READY, RUNNING, SUCCESSFUL, FAILED)."""
    from psycopg import sql

    certificates = query(db_url, "SELECT count(*) FROM learning_certificate")[0]
    counts = ", ".join(
        f"count(*) FILTER (WHERE status = '{status}')"
        for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED")
    )
    statement = sql.SQL("SELECT {} FROM {}").format(sql.SQL(counts), sql.Identifier(TASKS_TABLE))
    ready, running, done, failed = query(db_url, statement)
    return certificates, ready, running, done, failed


def running_on(db_url, worker_id):
    """How many tasks ``worker_id`` holds RUNNING."""
    from psycopg import sql

    statement = sql.SQL(
        "SELECT count(*) FROM {} WHERE status = 'RUNNING' AND worker_ids->>-1 = {}"
    ).format(sql.Identifier(TASKS_TABLE), sql.Literal(worker_id))
    return query(db_url, statement)[0]


def clear_queue(db_url):
    from psycopg import sql

    query(db_url, sql.SQL("DELETE FROM {}").format(sql.Identifier(TASKS_TABLE)))
