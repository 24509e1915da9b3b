"""The scaled deployment shape, exercised for real: task workers are
`manage.py worker` processes sharing the test database (PostgreSQL only:
SQLite's in-memory test database cannot be shared), and media go to an
S3-compatible server over HTTP (CI starts moto on loopback and sets
S3_TEST_ENDPOINT_URL; without it the object-storage tests are deselected,
like the Elasticsearch tests)."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection
from django.test import override_settings

import pytest

ROOT = Path(__file__).resolve().parents[2]
S3_URL = os.environ.get("S3_TEST_ENDPOINT_URL", "")
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def pytest_collection_modifyitems(config, items):
    if S3_URL:
        return
    selected, deselected = [], []
    for item in items:
        (deselected if "s3_bucket" in getattr(item, "fixturenames", ()) else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# --- Task workers ------------------------------------------------------------


def database_url():
    """The URL of the database this test runs in (pytest-django's test database)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="curbside.settings.test",
        DATABASE_URL=database_url(),
        TASKS_BACKEND="database",  # the shorthand the settings understand
        DATABASE_CONN_MAX_AGE="0",
        WORKER_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


class Worker:
    """One `manage.py worker` process, as `make worker` starts it."""

    def __init__(self, worker_id, log_dir, *options):
        self.worker_id = worker_id
        self.options = list(options)
        self.log = Path(log_dir) / f"{worker_id}.log"
        self.process = None

    def recover(self):
        """What `make worker` runs before the worker itself; the counts."""
        command = ["manage.py", "recover_tasks", "--worker-id", self.worker_id, "--json"]
        result = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, *command],
            cwd=ROOT,
            env=worker_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start(self):
        command = [
            sys.executable,
            "manage.py",
            "worker",
            "--queue-name",
            "*",
            "--worker-id",
            self.worker_id,
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
            *self.options,
        ]
        handle = self.log.open("a")
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            command, cwd=ROOT, env=worker_env(), stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        deadline = time.monotonic() + 60
        while "Starting worker" not in self.log.read_text():
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.worker_id} exited:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"worker {self.worker_id} did not start")
            time.sleep(0.05)
        return self

    def kill(self):
        self.process.kill()  # SIGKILL: no clean-up of any kind
        self.process.wait(10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def workers(tmp_path):
    """Start workers with ``workers("w1", *more_options)``; all are stopped
    before the database is flushed."""
    started = []

    def start(worker_id, *options):
        worker = Worker(worker_id, tmp_path, *options).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def database_tasks():
    """Tasks enqueued by this process go to the database queue."""
    with override_settings(TASKS=DATABASE_BACKEND):
        yield


def wait_for(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)


# --- Object storage ----------------------------------------------------------


@pytest.fixture
def s3_bucket():
    """A fresh bucket on the S3 server; emptied and removed afterwards."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=S3_URL,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )
    name = f"curbside-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield client, name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_media(s3_bucket, monkeypatch, settings):
    """Default storage is the bucket, configured exactly as the settings do
    it from the environment (curbside.settings.storage.media_storage)."""
    from curbside.settings.storage import media_storage

    client, bucket = s3_bucket
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", bucket)
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", S3_URL)
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_LOCATION", "media")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ.get("AWS_ACCESS_KEY_ID", "testing"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"))
    storage = media_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return client, bucket
