"""Security headers: Content-Security-Policy (django-csp) and Permissions-Policy.

The public site runs under ``CONTENT_SECURITY_POLICY`` (no inline script, no
inline style). The Wagtail admin (every path under the admin's URL prefix)
gets ``CONTENT_SECURITY_POLICY_ADMIN`` instead: Wagtail's page editor runs
inline scripts and sets inline styles, so the admin policy allows them there
and nowhere else (see docs/deploy.md, "Content Security Policy"). Page
previews keep the public policy, so editors see what visitors will, except
that the admin may frame them.

When media are served from another origin (an S3-compatible bucket or a CDN:
an absolute ``MEDIA_URL`` or the media storage's own URLs), that origin is
added to ``img-src`` and ``media-src`` of both policies.
"""

from __future__ import annotations

import contextlib
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from csp.utils import default_config


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in {"http", "https"} and parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}"
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    @cached_property
    def admin_prefix(self) -> str:
        try:
            return reverse("wagtailadmin_home")
        except NoReverseMatch:  # pragma: no cover - the admin is always installed
            return "/admin/"

    @cached_property
    def extra_sources(self) -> dict[str, list[str]]:
        """The media origin when media are not served by this site: an
        absolute MEDIA_URL, or the URLs the media storage hands out (an
        S3-compatible bucket, its endpoint or custom domain; computed
        locally, no request is made)."""
        from django.core.files.storage import storages

        candidates = [settings.MEDIA_URL]
        # A storage that cannot make URLs adds nothing.
        with contextlib.suppress(Exception):
            candidates.append(storages["default"].url("csp-origin-probe.png"))
        origins = sorted({origin for origin in map(_origin, candidates) if origin})
        return {"img-src": origins, "media-src": origins} if origins else {}

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if getattr(request, "is_preview", False):
            # Wagtail renders a page preview through the whole middleware
            # stack for the page's own URL: the public policy applies to its
            # content, but the admin's preview panel must be able to frame it.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
            return parts
        admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if (
            parts.config is None
            and admin_policy
            and request.path_info.startswith(self.admin_prefix)
        ):
            parts.config = default_config(admin_policy.get("DIRECTIVES", {}))
        if self.extra_sources:
            update = dict(parts.update or {})
            for directive, sources in self.extra_sources.items():
                update[directive] = [*update.get(directive, ()), *sources]
            parts.update = update
        return parts


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` built from ``settings.PERMISSIONS_POLICY``
    (feature -> list of allowed origins; an empty list disables the feature)."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {}) or {}
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in policy.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
