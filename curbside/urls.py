from django.conf import settings
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views
from learning.privacy.retention import RETENTION_YEARS

from . import health, media, security
from .http_cache.headers import public_view

urlpatterns = [
    # Wagtail's log-in forms go to allauth's (rate limits, 2FA): curbside/security.py.
    path("admin/login/", security.admin_login_redirect),
    path("_util/login/", security.admin_login_redirect),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("", include("learning.urls")),
    path("", include("notifications.urls")),
    path("mentoring/space/", include("mentoring.space.urls")),
    path("", include("mentoring.consults.urls")),
    path("mentoring/", include("mentoring.urls")),
    # Public pages a shared cache may keep (curbside/http_cache/headers.py).
    path("mentors/", public_view(views.mentor_directory), name="mentor_directory"),
    path("mentors/<slug:slug>/", public_view(views.mentor_profile), name="mentor_profile"),
    path(
        "privacy/",
        public_view(views.privacy_policy),
        {"retention_years": RETENTION_YEARS},
        name="privacy_policy",
    ),
    path("search/", include("search.urls")),
    path("healthz", health.healthz, name="healthz"),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploaded images from local disk (curbside/media.py); never certificates.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve)]

urlpatterns += [
    # Pages: Wagtail's own view, routed from the cache first (cms.views.serve).
    # Wagtail's patterns stay below: its _util/ addresses, and reverse().
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.serve),
    path("", include(wagtail_urls)),
]

# 503 with Retry-After when the database is unreachable, the 500 page otherwise.
handler500 = "curbside.observability.server_error"
