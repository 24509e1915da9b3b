"""Project middleware: the Wagtail Site for a request without a database query
each time, no caching of personal responses, and the publish gate's refusals
as normal admin pages."""

import time

from django.contrib import messages
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page, Site

from cms.publishing import PublishRefused
from learning.compliance.notices import not_published_intro, refusal_html

SITE_CACHE_SECONDS = 60
_sites = {}


def _copy(model, instance):
    """A fresh instance with the same column values and no cached relations,
    so nothing read from it can go stale between requests."""
    return model(**{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields})


class SiteCacheMiddleware:
    """Keeps each process's answer to "which Site serves this host and port"
    for a minute (and drops it at once when a Site is saved or deleted in this
    process). Wagtail reads ``request._wagtail_site`` before querying."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = (split_domain_port(request._get_raw_host())[0], request.get_port())
        now = time.monotonic()
        cached = _sites.get(key)
        if cached is None or cached[0] < now:
            site = Site._find_for_request(request)
            cached = (now + SITE_CACHE_SECONDS, site, site.root_page if site else None)
            _sites[key] = cached
        _, site, root_page = cached
        if site is not None:
            fresh = _copy(Site, site)
            fresh.root_page = _copy(Page, root_page)
            request._wagtail_site = fresh
        return self.get_response(request)


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def forget_sites(**kwargs):
    _sites.clear()


class PrivateResponseMiddleware:
    """Every answer to a signed-in request is personal (a name in the header,
    progress, certificates, admin pages): ``Cache-Control: private, no-store``
    (with Django's other never-cache headers), so no shared cache, proxy or
    browser history keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class RetryAfterMiddleware:
    """Every 429 says when to try again. allauth's log-in, sign-up and reset
    limits answer without ``Retry-After``; they get a minute, the shortest of
    their windows (a longer window may still refuse then, and says so again).
    Curbside's own limits set the exact time themselves."""

    RETRY_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


class PublishRefusedMiddleware:
    """Every admin POST runs in one transaction. When the publish gate refuses
    (``cms.publishing.PublishRefused``, raised by a credit path's or a
    clinical guide's save on any publishing route: the workflow's approval,
    bulk publishing, reverting, copying...), everything the request did is
    rolled back and the editor is sent back to the page with every problem
    listed: a normal page, never a 500, and nothing half-done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not request.path.startswith(reverse("wagtailadmin_home")):
            return self.get_response(request)
        request._publish_gate = None
        with transaction.atomic():
            response = self.get_response(request)
            if request._publish_gate is not None:
                transaction.set_rollback(True)
        if request._publish_gate is None:
            return response
        return self.refusal(request, request._publish_gate)

    def process_exception(self, request, exception):
        if isinstance(exception, PublishRefused) and hasattr(request, "_publish_gate"):
            request._publish_gate = exception
            # Replaced in __call__ once the transaction is rolled back.
            return HttpResponse(status=409)
        return None

    def refusal(self, request, refused):
        # Anything the view announced before the refusal did not happen.
        queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
        if queued is not None:
            queued.clear()
        messages.error(
            request, refusal_html(not_published_intro(refused.page.title), refused.problems)
        )
        if refused.page.pk and Page.objects.filter(pk=refused.page.pk).exists():
            url = reverse("wagtailadmin_pages:edit", args=(refused.page.pk,))
        else:  # a new page (a copy), rolled back
            url = get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The workflow's modal: it follows "redirect" (the messages wait there).
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": url}
            )
        return HttpResponseRedirect(url)
