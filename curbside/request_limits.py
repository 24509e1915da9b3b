"""A request body over ``REQUEST_BODY_MAX_BYTES`` is refused before anything
reads it.

Django keeps a multipart upload of any size in a temporary file while a form
reads it: the forms that take files refuse more than 10 MB, but only once the
whole body is on disk, so one POST of a few gigabytes (to any page with a
form, the log-in page included, by anyone) could fill the server's disk.
Bodies that are not multipart are already refused over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` by Django, unread. This middleware answers
413 from the declared ``Content-Length``, with a normal page, before CSRF or
any view touches the body; a body sent without a length is not read by
Django at all.
"""

from django.conf import settings
from django.shortcuts import render

MEGABYTE = 1024 * 1024


def declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_BODY_MAX_BYTES
        if declared_length(request) > limit:
            response = render(
                request, "413.html", {"limit_mb": max(1, limit // MEGABYTE)}, status=413
            )
            # The unread body stays on the connection: end it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
