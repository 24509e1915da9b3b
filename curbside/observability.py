"""Request ids, structured (JSON) logs and the "database unavailable" page.

- ``RequestIdMiddleware`` (first in MIDDLEWARE) gives every request an id: a
  sane incoming ``X-Request-ID`` header (at most 64 of ``A-Z a-z 0-9 . _ -``,
  as a load balancer sends it) or a new uuid4 hex. It is echoed in the
  response's ``X-Request-ID`` header and added to every log record written
  while the request runs (``RequestContextFilter``). It also writes one line
  per request to the ``curbside.request`` logger (INFO in production; static
  files and /healthz are left out).
- ``JsonFormatter`` writes one JSON object per line: time (ISO 8601, UTC),
  level, logger, message, request_id, method, path (never the query string),
  status, user_id (an id, never a name or an email), duration_ms, and for
  errors the exception type, message and traceback. Email addresses and
  credentials in URLs are masked wherever they appear.
- ``server_error`` is the project's handler500: when the database cannot be
  reached (``OperationalError`` / ``InterfaceError``) it answers 503 with a
  plain page and ``Retry-After`` instead of the generic 500 page; Django's
  ``django.request`` logger records the error with its traceback and the
  request id either way.

This module is imported while logging is configured, before the app registry
is ready: it must not import models.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import sys
import time
import traceback
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current_request = contextvars.ContextVar("curbside_request", default=None)

request_logger = logging.getLogger("curbside.request")

# Masks for anything that must never reach a log line.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]*:[^/@\s]*@", re.I)


def redact(text: str) -> str:
    """``text`` with email addresses and URL passwords masked."""
    text = _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)
    return _EMAIL.sub("[email]", text)


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(value: str | None) -> str | None:
    """The incoming header value if it is a sane id, else None."""
    if value and _VALID_REQUEST_ID.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    request = _current_request.get()
    return getattr(request, "request_id", None) if request is not None else None


def _resolved_user_id(request) -> int | None:
    """The signed-in user's id, only if something already loaded the user:
    logging must not add a query (or fail when the database is down)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or wrapped is None:
        return None
    if getattr(wrapped, "is_authenticated", False):
        return wrapped.pk
    return None


def _skip_request_log(path: str) -> bool:
    static_url = settings.STATIC_URL or "/static/"
    return path == "/healthz" or path.startswith(("/healthz/", static_url, "/favicon.ico"))


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = (
            incoming_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        )
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers[REQUEST_ID_HEADER] = request.request_id
            if not _skip_request_log(request.path):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                request_logger.info(
                    "%s %s %s %.1fms",
                    request.method,
                    request.path,
                    response.status_code,
                    duration_ms,
                    extra={"status_code": response.status_code, "duration_ms": duration_ms},
                )
            return response
        finally:
            _current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds request_id, method, path and user_id to every record (None outside
    a request) so both formatters can use them."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if not hasattr(request, "method"):  # django.server passes a socket here
            request = _current_request.get()
        if request is not None:
            record.request_id = getattr(request, "request_id", None)
            record.method = request.method
            record.path = request.path
            record.user_id = _resolved_user_id(request)
        else:
            record.request_id = record.method = record.path = record.user_id = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; only known fields, never arbitrary extras."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in ("request_id", "method", "path", "user_id"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        duration = getattr(record, "duration_ms", None)
        if isinstance(duration, int | float):
            entry["duration_ms"] = duration
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, exc_value, exc_tb = record.exc_info
            entry["exception"] = {
                "type": f"{exc_type.__module__}.{exc_type.__qualname__}",
                "message": redact(str(exc_value)),
                "traceback": redact(
                    "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
                ),
            }
        elif record.stack_info:
            entry["stack"] = redact(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development format: level, logger, request id when there is one."""

    def format(self, record):
        text = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"[{request_id}] {text}" if request_id else text


# The 503 page: plain HTML that needs neither the database nor a template.
UNAVAILABLE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefly unavailable | Curbside</title></head>
<body>
<h1>Curbside is briefly unavailable</h1>
<p>We cannot reach our database for a moment, so your last action may not have been saved.</p>
<p>Please try again in a minute.</p>
<p>Reference: {request_id}</p>
</body></html>
"""
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (not a
    missing table: SQLite reports that as an OperationalError too)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    return not str(exc).startswith(("no such table", "no such column"))


def unavailable_response(request) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or "-"
    response = HttpResponse(
        UNAVAILABLE_HTML.format(request_id=request_id),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name="500.html"):
    """handler500: 503 when the database is the cause, Django's 500 otherwise."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request, template_name=template_name)
