"""GET /healthz as a load balancer sees it (the bare status), as monitoring
with HEALTHZ_TOKEN sees it (every check), and what visitors get when the
database is down (a 503 page, not a 500)."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from django.utils import timezone

import pytest

from curbside import health

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_DB = "postgres://curbside:db-secret-pw@127.0.0.1:9/curbside"
TOKEN = "monitoring-token-0123456789abcdef"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_health_result():
    health.forget_cached_result()
    yield
    health.forget_cached_result()


@pytest.fixture(autouse=True)
def healthz_token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


def get_health(client, **headers):
    """/healthz with the token: every check."""
    response = client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}", **headers})
    return response, json.loads(response.content)


def beat(worker_id, seconds_ago):
    from workers.heartbeat import beat as record

    now = timezone.now()
    record(
        worker_id, now - datetime.timedelta(hours=1), now - datetime.timedelta(seconds=seconds_ago)
    )


def test_all_checks_pass_on_the_embedded_setup(client, settings):
    response, body = get_health(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "search", "storage", "tasks"}
    for name, check in body["checks"].items():
        assert check["ok"] is True, name
        assert isinstance(check["latency_ms"], int | float)
    assert body["checks"]["search"]["engine"] in {"sqlite-fts5", "postgresql-fts"}
    assert body["checks"]["tasks"]["backend"].endswith("ImmediateBackend")
    # The storage probe leaves nothing behind.
    probe_dir = Path(settings.MEDIA_ROOT) / "healthz"
    assert not probe_dir.exists() or list(probe_dir.iterdir()) == []


def test_an_apps_check_error_is_shown_redacted(client, monkeypatch):
    """Apps' health modules do not import the project package, so the project
    redacts the errors their checks report. A stand-in app check (an entry in
    the registry the health modules' CHECKS fill) reports a leaky reason."""
    health.run_checks()  # finds the apps' health modules

    def leaky_check():
        return {
            "degraded": True,
            "error": "https://elastic:es-secret-pw@10.0.0.5:9200 refused ops@hospital.example",
        }

    monkeypatch.setitem(health._checks, "leaky", leaky_check)
    response, body = get_health(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["leaky"]["ok"] is False
    assert body["checks"]["leaky"]["error"] == "https://***@10.0.0.5:9200 refused [email]"
    assert "es-secret-pw" not in response.content.decode()
    assert list(body["checks"])[:2] == ["database", "storage"]


def test_answers_whatever_the_host_header(client):
    # Load balancers probe each server by its own address.
    response, body = get_health(client, host="10.1.2.3:8000")
    assert response.status_code == 200
    assert body["status"] == "ok"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "],
)
def test_without_the_token_only_the_bare_status(client, authorization):
    headers = {"host": "10.1.2.3:8000"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = client.get("/healthz", headers=headers)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "Authorization" in response["Vary"]
    text = response.content.decode()
    for detail in ["sqlite", "postgresql", "FileSystemStorage", "Backend", "fts"]:
        assert detail not in text


def test_no_details_for_anyone_when_no_token_is_configured(client, settings):
    settings.HEALTHZ_TOKEN = ""
    for authorization in ["Bearer ", "Bearer", "Bearer  "]:
        response = client.get("/healthz", headers={"Authorization": authorization})
        assert json.loads(response.content) == {"status": "ok"}


def test_the_bare_status_still_says_degraded(client, settings):
    settings.TASKS = DATABASE_TASKS  # no worker has recorded a heartbeat
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "degraded"}


def test_frequent_polling_reuses_the_result_for_a_few_seconds(client):
    _, first = get_health(client)
    _, second = get_health(client)
    assert second["checked_at"] == first["checked_at"]
    assert second["checks"]["database"]["latency_ms"] == first["checks"]["database"]["latency_ms"]


def test_search_cluster_down_degrades_without_leaking_its_address(client, settings):
    settings.ELASTICSEARCH_URL = "http://search-user:es-secret-pw@127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 2.0

    response, body = get_health(client)

    assert response.status_code == 200  # the site still serves: searches fall back
    assert body["status"] == "degraded"
    search = body["checks"]["search"]
    assert search["ok"] is False
    assert search["engine"] == "elasticsearch"
    assert search["fallback"] in {"sqlite-fts5", "postgresql-fts"}
    assert "connection refused" in search["error"]
    assert body["checks"]["database"]["ok"] is True
    text = response.content.decode()
    assert "es-secret-pw" not in text
    assert "search-user" not in text
    assert "127.0.0.1:9" not in text


def test_storage_failure_degrades(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker)

    response, body = get_health(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["storage"]["error"].startswith("FileSystemStorage: ")
    assert str(tmp_path) not in response.content.decode()


def test_a_stalled_task_queue_degrades(client, settings):
    settings.TASKS = DATABASE_TASKS
    from django_tasks_db.models import DBTaskResult

    from search.tasks import process_index_updates

    beat("busy-worker", seconds_ago=3)  # a worker is alive, yet the queue waits
    result = process_index_updates.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=20)
    )

    response, body = get_health(client)

    tasks = body["checks"]["tasks"]
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert tasks["backend"] == "django_tasks_db.backend.DatabaseBackend"
    assert tasks["ready"] == 1
    assert tasks["oldest_ready_seconds"] >= 20 * 60
    assert tasks["workers"] == 1
    assert tasks["error"] == "the oldest ready task has waited 0:20:00 (limit 0:05:00)"


def test_a_fresh_task_queue_with_a_live_worker_is_healthy(client, settings):
    settings.TASKS = DATABASE_TASKS
    from search.tasks import process_index_updates

    beat("worker-1", seconds_ago=10)
    process_index_updates.enqueue()

    _, body = get_health(client)

    tasks = body["checks"]["tasks"]
    assert tasks["ok"] is True
    assert tasks["ready"] == 1
    assert tasks["workers"] == 1
    assert 9 <= tasks["last_worker_seen_seconds"] < 60
    assert body["status"] == "ok"


def test_no_worker_heartbeat_degrades_even_with_an_empty_queue(client, settings):
    settings.TASKS = DATABASE_TASKS

    response, body = get_health(client)

    tasks = body["checks"]["tasks"]
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert tasks["ok"] is False
    assert tasks["ready"] == 0
    assert tasks["workers"] == 0
    assert tasks["last_worker_seen_seconds"] is None
    assert tasks["error"] == "no task worker has been seen yet: are the task workers running?"


def test_a_stale_worker_heartbeat_degrades(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 60
    beat("worker-1", seconds_ago=61)
    beat("worker-2", seconds_ago=3600)

    _, body = get_health(client)

    tasks = body["checks"]["tasks"]
    assert body["status"] == "degraded"
    assert tasks["workers"] == 0
    assert tasks["last_worker_seen_seconds"] >= 61
    assert tasks["error"] == (
        "no task worker has been seen for over 0:01:00: are the task workers running?"
    )

    beat("worker-2", seconds_ago=0)  # one comes back
    health.forget_cached_result()
    _, body = get_health(client)
    assert body["status"] == "ok"
    assert body["checks"]["tasks"]["workers"] == 1


# --- The database is down: a real server process with an unreachable PostgreSQL --


DOWN_SCRIPT = """
import json, os, django
django.setup()
TOKEN = os.environ["HEALTHZ_TOKEN"]
from django.test import Client
client = Client(raise_request_exception=False)
out = {}
for url in ["/healthz", "/", "/guides/some-guide/"]:
    r = client.get(url, headers={"X-Request-ID": "lb-probe.42", "Authorization": "Bearer " + TOKEN})
    out[url] = {"status": r.status_code, "retry_after": r.get("Retry-After"),
                "request_id": r.get("X-Request-ID"), "body": r.content.decode()}
bare = client.get("/healthz")
out["bare"] = {"status": bare.status_code, "body": bare.content.decode()}
print(json.dumps(out))
"""


def production_env(**extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "curbside.settings.production",
        "SECRET_KEY": "a-test-only-key-that-is-long-enough-for-check-deploy-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "PUBLIC_BASE_URL": "http://testserver",
        "SECURE_SSL_REDIRECT": "false",
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def database_down(tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", DOWN_SCRIPT],
        cwd=ROOT,
        env=production_env(DATABASE_URL=CLOSED_PORT_DB, MEDIA_ROOT=str(media), HEALTHZ_TOKEN=TOKEN),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_healthz_says_down_with_503_when_the_database_is_unreachable(database_down):
    answers, _ = database_down
    answer = answers["/healthz"]
    body = json.loads(answer["body"])
    assert answer["status"] == 503
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "db-secret-pw" not in answer["body"]
    assert "Traceback" not in answer["body"]
    # A load balancer without the token sees the same verdict, and only that.
    assert answers["bare"]["status"] == 503
    assert json.loads(answers["bare"]["body"]) == {"status": "down"}


@pytest.mark.parametrize("url", ["/", "/guides/some-guide/"])
def test_pages_answer_503_with_retry_after_when_the_database_is_unreachable(database_down, url):
    answers, _ = database_down
    answer = answers[url]
    assert answer["status"] == 503
    assert answer["retry_after"] == "30"
    assert answer["request_id"] == "lb-probe.42"
    assert "Curbside is briefly unavailable" in answer["body"]
    assert "may not have been saved" in answer["body"]
    assert "lb-probe.42" in answer["body"]  # a reference to quote to support
    assert "Traceback" not in answer["body"]
    assert "db-secret-pw" not in answer["body"]


def test_the_outage_is_logged_as_json_with_the_request_id(database_down):
    _, stderr = database_down
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    errors = [r for r in records if r["logger"] == "django.request" and r["path"] == "/"]
    assert errors, stderr[-2000:]
    error = errors[0]
    assert error["level"] == "ERROR"
    assert error["status"] == 503
    assert error["request_id"] == "lb-probe.42"
    assert error["exception"]["type"] == "django.db.utils.OperationalError"
    assert "Traceback" in error["exception"]["traceback"]
    assert "db-secret-pw" not in stderr
