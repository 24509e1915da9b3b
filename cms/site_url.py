"""The address links and QR codes point at.

Outside a request (background tasks, certificate PDFs) that is the configured
PUBLIC_BASE_URL: `make run` sets it from the port the server starts on, and
production refuses to start without it. In development a link built while
answering a request follows that request's host and port instead, so a
second server (`make run PORT=8101`) links to itself.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def base_url(request: HttpRequest | None = None) -> str:
    """Scheme and host, no trailing slash."""
    if request is not None and settings.BASE_URL_FROM_REQUEST:
        return f"{request.scheme}://{request.get_host()}"
    return str(settings.PUBLIC_BASE_URL).rstrip("/")


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (starting with "/") on the site's address."""
    return base_url(request) + path
