"""GET /healthz: is this app server fit to take traffic? For load balancers.

Anyone gets the bare status, ``{"status": "ok" | "degraded" | "down"}``. A
request with ``Authorization: Bearer <HEALTHZ_TOKEN>`` (the token compared in
constant time; without HEALTHZ_TOKEN nobody) also gets the details::

    {"status": "ok",
     "checks": {"database": {"ok": true, "latency_ms": 0.4, ...},
                "search": {...}, "storage": {...}, "tasks": {...}},
     "checked_at": "..."}

HTTP 200 while the database answers ("degraded" when another check fails:
the site still serves, e.g. search falls back to the embedded engine); 503
when the database does not answer ("down": take this server out of rotation).
Results are kept for ``HEALTHZ_CACHE_SECONDS`` (5 s) per process so frequent
polling costs one round of checks every few seconds. Even the details never
contain credentials, URLs or stack traces.

The database and storage checks live here. Apps add theirs in a ``health``
module (``search/health.py``, ``workers/health.py``) holding a plain dict
``CHECKS = {"name": func}``; ``func() -> dict`` returns details to show
(without secrets) or raises, and any exception marks the check failed. The
modules are found on first use, like ``wagtail_hooks`` modules are, and never
import this package: every ``error`` shown is passed through ``redact`` here.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
import uuid
from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import module_has_submodule
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .observability import redact

logger = logging.getLogger(__name__)

CACHE_SECONDS = 5.0
STORAGE_TIMEOUT_SECONDS = 3.0
CRITICAL = {"database"}


class CheckFailed(Exception):
    """A check's plain-language reason for failing (shown as ``error``)."""


_checks: dict[str, Callable[[], dict]] = {}
_discovered = False
_lock = threading.Lock()
_cached: tuple[float, dict, int] | None = None


def _discover():
    """Collect ``CHECKS`` from every installed app's ``health`` module, this
    package's own (database, storage) first."""
    global _discovered
    if not _discovered:
        found = dict(CHECKS)
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "health"):
                module = import_module(f"{app_config.name}.health")
                found.update(getattr(module, "CHECKS", {}))
        _checks.update(found)
        _discovered = True


def _describe(exc: BaseException, public: bool = True) -> str:
    """Why a check failed. The public answer names the exception class only
    (its message may name internal hosts); the log line adds its first line."""
    if isinstance(exc, CheckFailed):
        return str(exc)
    if public:
        return type(exc).__name__
    first_line = (str(exc).strip().splitlines() or [""])[0][:300]
    return redact(f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__)


def _run(name: str, func: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        details = func() or {}
        result = {"ok": True, **details}
    except Exception as exc:  # a failed check is a result, not an error page
        logger.warning("Health check %s failed: %s", name, _describe(exc, public=False))
        result = {"ok": False, "error": _describe(exc)}
    if isinstance(result.get("error"), str):
        result["error"] = redact(result["error"])
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    if result.get("ok") and result.get("degraded"):
        result["ok"] = False
    result.pop("degraded", None)
    return result


def run_checks() -> tuple[dict, int]:
    _discover()
    checks = {name: _run(name, func) for name, func in _checks.items()}
    if any(not checks[name]["ok"] for name in CRITICAL if name in checks):
        status, code = "down", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return {"status": status, "checks": checks}, code


def cached_checks() -> tuple[dict, int]:
    global _cached
    with _lock:
        now = time.monotonic()
        if _cached is None or _cached[0] <= now:
            body, code = run_checks()
            body["checked_at"] = timezone.now().isoformat(timespec="seconds")
            _cached = (now + CACHE_SECONDS, body, code)
        return _cached[1], _cached[2]


def forget_cached_result():
    """For tests: the next request runs the checks again."""
    global _cached
    with _lock:
        _cached = None


def shows_details(request) -> bool:
    """Does the request carry ``Authorization: Bearer <HEALTHZ_TOKEN>``?"""
    token = getattr(settings, "HEALTHZ_TOKEN", "")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return constant_time_compare(given.strip(), token)


@never_cache
@require_GET
def healthz(request):
    body, code = cached_checks()
    if not shows_details(request):
        body = {"status": body["status"]}
    response = JsonResponse(body, status=code)
    patch_vary_headers(response, ["Authorization"])
    return response


class HealthCheckMiddleware:
    """Answers GET /healthz before the rest of the middleware: load balancers
    probe with the server's own address as Host (not in ALLOWED_HOSTS), over
    plain HTTP, and the answer must not depend on middleware that needs the
    database (sessions, the Wagtail site lookup)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in {"/healthz", "/healthz/"} and request.method in {"GET", "HEAD"}:
            return healthz(request)
        return self.get_response(request)


# --- Checks -------------------------------------------------------------------


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Do not keep a broken connection for the next request.
        connection.close_if_unusable_or_obsolete()
        raise
    return {"vendor": connection.vendor}


def _storage_round_trip() -> None:
    from django.core.files.storage import default_storage

    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise CheckFailed("a file written to storage read back differently")
    finally:
        default_storage.delete(name)


def check_storage() -> dict:
    """Write, read back and delete a tiny file under healthz/, in a thread so
    a hanging object store cannot hold the health check for long."""
    from django.core.files.storage import storages

    backend = type(storages["default"]).__name__
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = executor.submit(_storage_round_trip)
    try:
        future.result(timeout=STORAGE_TIMEOUT_SECONDS)
    except concurrent.futures.TimeoutError:
        raise CheckFailed(f"{backend}: no answer within {STORAGE_TIMEOUT_SECONDS:g}s") from None
    except CheckFailed:
        raise
    except Exception as exc:
        logger.warning("Storage health check: %s", _describe(exc, public=False))
        raise CheckFailed(f"{backend}: {_describe(exc)}") from exc
    finally:
        executor.shutdown(wait=False)
    return {"backend": backend}


CHECKS = {"database": check_database, "storage": check_storage}
