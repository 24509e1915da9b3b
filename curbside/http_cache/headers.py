"""Cache-Control for every answer: shared copies only of public pages seen by
nobody in particular, ``private, no-store`` for everything personal.

A response may be kept by a shared cache (``public, max-age=<browser>,
s-maxage=<shared>``) only when all of these hold:

- the request is a GET or HEAD, from a visitor who is not signed in and
  carries no session (an anonymous session holds something of theirs: a
  pending enrolment, a page password they entered);
- the answer is a 200 of a public page: a Wagtail page at its own address
  (not a sub-route such as a path's ``enrol/``), or a view the URLconf marks
  with ``public_view`` (the mentor directory and profiles, the privacy policy);
- rendering it set no cookie, used no CSRF token (any form that POSTs), showed
  no flash message, and it is not a preview or an admin page.

Answers a view already gave a ``Cache-Control`` of its own keep it (media,
search) unless one of the personal rules above applies. Everything else is
``private, no-store`` (with Django's other never-cache headers): signed-in
answers, log-in and sign-up pages, /me/, redirects, errors, certificate
verification (it shows a learner's name, and a revoked certificate must never
be shown as valid from a cache).

The shared lifetime (``HTTP_CACHE_SHARED_MAX_AGE``) can be long because
publishing purges (``curbside.http_cache.purge``); it also bounds how long
a change that is not purged (docs/http-cache.md) can show.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

PUBLIC_ATTR = "_http_cache_public"


def public_view(view):
    """Marks a view's answers as public pages (still subject to every rule above)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        setattr(request, PUBLIC_ATTR, True)
        return view(request, *args, **kwargs)

    return wrapped


def mark_public_page(page, request, serve_args, serve_kwargs):
    """``before_serve_page`` hook: the request is for a Wagtail page at its own
    address (a routable page's index route, not one of its sub-routes)."""
    if serve_kwargs:
        return None
    if serve_args and _function(serve_args[0]) is not _function(_index_view(page)):
        return None
    setattr(request, PUBLIC_ATTR, True)
    return None


def _function(view):
    # Routable pages bind their views to the page anew on every resolve.
    return getattr(view, "__func__", view)


def _index_view(page):
    """The view a routable page answers its own address with (its route for
    ""), or None."""
    try:
        return page.resolve_subpage("/")[0]
    except (AttributeError, Http404):
        return None


def _admin_prefix() -> str:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed
        return "/admin/"


def is_personal(request, response) -> bool:
    """True when the answer belongs to this visitor or this moment alone."""
    if request.method not in ("GET", "HEAD"):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    if session is not None and (not session.is_empty() or session.modified):
        return True
    if response.cookies:
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return True
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.used or getattr(storage, "_queued_messages", None)):
        return True
    if getattr(request, "is_preview", False):
        return True
    return request.path_info.startswith(_admin_prefix())


def cache_control_for(request, response) -> str:
    """ "private", "public" or "view" (leave the view's own header)."""
    if is_personal(request, response):
        return "private"
    if response.has_header("Cache-Control"):
        return "view"
    if response.status_code == 200 and getattr(request, PUBLIC_ATTR, False):
        return "public"
    return "private"


class SharedCacheMiddleware:
    """Sets Cache-Control on every answer (see the module's docstring). It
    sits outside the session, CSRF and message middleware, so it sees every
    cookie they set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        verdict = cache_control_for(request, response)
        if verdict == "private":
            add_never_cache_headers(response)
        elif verdict == "public":
            patch_cache_control(
                response,
                public=True,
                max_age=settings.HTTP_CACHE_MAX_AGE,
                s_maxage=settings.HTTP_CACHE_SHARED_MAX_AGE,
            )
        return response
