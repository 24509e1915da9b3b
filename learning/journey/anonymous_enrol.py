""" "Log in to enrol" without a CSRF token, so a path page can be shared by a cache.

A path page seen by a visitor who is not signed in is the same for everyone,
except for one thing: its "Log in to enrol" button is a POST form, and a CSRF
token in it made the page personal (never stored by a shared cache,
docs/http-cache.md). That POST changes no account: it only remembers, in the
visitor's own session, which path to enrol them in once they sign in
(``pending.py``). So for a visitor who is not signed in the form carries no
token, and this middleware takes the browser's own same-origin evidence
instead: the ``Origin`` header every current browser sends with a form POST
(or ``Sec-Fetch-Site: same-origin``) must name this site. A POST from another
site, or with neither header, is still refused by Django's CSRF check, and a
signed-in learner's enrolment keeps the token check unchanged.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ENROL_ROUTE = re.compile(r"^/(?:[^/]+/)+enrol/$")


def same_origin(request: HttpRequest) -> bool:
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return True
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return origin == f"{request.scheme}://{request.get_host()}" or origin in set(
        settings.CSRF_TRUSTED_ORIGINS
    )


class AnonymousEnrolMiddleware:
    """Skips the CSRF token check (never the same-origin one) for a POST to a
    path's ``enrol/`` route by a visitor who is not signed in. Runs after the
    authentication middleware; Django's CSRF check runs later, in process_view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and ENROL_ROUTE.match(request.path_info)
            and not request.user.is_authenticated
            and same_origin(request)
        ):
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)
