"""Structured logs as whoever reads them in production sees them: one JSON
object per line, every line of a request carrying its id, one access line per
request, errors with their traceback, and no personal data or secrets."""

import io
import json
import logging

from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

import pytest

from curbside import observability
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError(
        "payment webhook failed for maya.chen@example.org via postgres://app:hunter2@db:5432/x"
    )


def logs_something(request):
    logging.getLogger("learning.journey.services").warning("Claim rejected: over the maximum")
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", boom),
    path("warn/", logs_something),
    path("", include("curbside.urls")),
]
handler500 = "curbside.observability.server_error"


@pytest.fixture
def json_log(settings):
    """Everything logged during the test, as the production handler writes it."""
    settings.ROOT_URLCONF = __name__
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.JsonFormatter())
    handler.addFilter(observability.RequestContextFilter())
    root = logging.getLogger()
    request_logger = logging.getLogger("curbside.request")
    old_levels = root.level, request_logger.level
    root.addHandler(handler)
    request_logger.setLevel(logging.INFO)
    root.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_levels[0])
    request_logger.setLevel(old_levels[1])


def access_lines(lines):
    return [line for line in lines if line["logger"] == "curbside.request"]


def test_one_access_line_per_request_with_its_id(client, json_log):
    response = client.get("/warn/?token=secret-reset-token")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = json_log()
    (access,) = access_lines(lines)
    assert access["level"] == "INFO"
    assert access["request_id"] == request_id
    assert access["method"] == "GET"
    assert access["path"] == "/warn/"
    assert access["status"] == 200
    assert isinstance(access["duration_ms"], int | float)
    assert access["time"].endswith("+00:00")
    # Lines logged by the view carry the same id.
    (warning,) = [line for line in lines if line["logger"] == "learning.journey.services"]
    assert warning["request_id"] == request_id
    assert warning["message"] == "Claim rejected: over the maximum"
    # Query strings (reset tokens, search terms) are never logged.
    assert "secret-reset-token" not in json.dumps(lines)


def test_a_sane_incoming_request_id_is_kept(client, json_log):
    response = client.get("/warn/", headers={"X-Request-ID": "lb-7f3a.2_x"})
    assert response["X-Request-ID"] == "lb-7f3a.2_x"
    assert access_lines(json_log())[0]["request_id"] == "lb-7f3a.2_x"


@pytest.mark.parametrize(
    "incoming", ["x" * 65, "bad id with spaces", "<script>", "id\nforged-log-line", ""]
)
def test_an_unsafe_incoming_request_id_is_replaced(client, json_log, incoming):
    response = client.get("/warn/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32
    assert access_lines(json_log())[0]["request_id"] == response["X-Request-ID"]


def test_signed_in_user_is_logged_by_id_only(client, json_log):
    user = UserFactory(username="maya", email="maya.chen@example.org", first_name="Maya")
    client.force_login(user)
    client.get("/me/")

    (access,) = access_lines(json_log())
    assert access["user_id"] == user.pk
    text = json.dumps(json_log())
    assert "maya.chen@example.org" not in text
    assert "Maya" not in text


def test_static_files_and_health_checks_are_not_access_logged(client, json_log):
    client.get("/healthz")
    client.get("/static/css/site.css")
    assert access_lines(json_log()) == []


def test_an_error_is_logged_with_traceback_and_request_id(json_log):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", headers={"X-Request-ID": "incident-42"})

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    (error,) = [line for line in json_log() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "incident-42"
    assert error["path"] == "/boom/"
    assert error["method"] == "GET"
    assert error["status"] == 500
    assert error["exception"]["type"] == "builtins.RuntimeError"
    assert "payment webhook failed" in error["exception"]["message"]
    assert "in boom\n    raise RuntimeError(" in error["exception"]["traceback"]
    # The email address and the password in the URL are masked.
    text = json.dumps(json_log())
    assert "maya.chen@example.org" not in text
    assert "hunter2" not in text
    assert "[email]" in error["exception"]["message"]
    assert "postgres://***@db:5432/x" in error["exception"]["message"]


def test_lines_outside_requests_have_no_request_fields(json_log):
    logging.getLogger("learning.tasks").warning("Nightly purge done")
    (line,) = json_log()
    assert line["message"] == "Nightly purge done"
    assert "request_id" not in line
    assert "path" not in line
