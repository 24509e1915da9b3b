"""Settings shared by every deployment shape.

Everything that differs between the embedded default (SQLite, database search,
in-process tasks, local media) and the scaled setup comes from environment
variables; see README.md, "Configuration".
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from curbside.settings.storage import media_storage

# Settings kept in modules of their own, by concern: the accounts (allauth,
# two-factor, sessions, passwords) and the security headers (CSP,
# Permissions-Policy).
from .accounts import *  # noqa: F403
from .databases import database_config
from .env import cache_config, env_bool, env_int, env_list, env_str
from .headers import *  # noqa: F403

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

SECRET_KEY = env_str("SECRET_KEY", "insecure-dev-key-only-for-the-embedded-setup")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Purging Varnish or a CDN (curbside.http_cache): before "curbside", whose
    # ready() replaces its publish handlers with ones that also purge every
    # page showing the page, after the transaction commits.
    "wagtail.contrib.frontend_cache",
    # The project package (no models): deploy checks, backups, demo users.
    "curbside",
    "cms",
    "learning",
    "mentoring",
    "search",
    "workers",
    "notifications",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The table of the database task backend (TASKS_BACKEND=database).
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every later middleware's log lines carry the request id.
    "curbside.observability.RequestIdMiddleware",
    # /healthz answers here, whatever the Host header and the database say.
    "curbside.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "curbside.headers.ContentSecurityPolicyMiddleware",
    "curbside.headers.PermissionsPolicyMiddleware",
    # Cache-Control on every answer: public pages shared, anything personal
    # private, no-store (curbside.http_cache.headers). Outside the session,
    # CSRF and message middleware, so it sees the cookies they set.
    "curbside.http_cache.headers.SharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A body over REQUEST_BODY_MAX_BYTES: 413 before anything reads it (CSRF
    # reads it in process_view, after every middleware's __call__).
    "curbside.request_limits.RequestBodyLimitMiddleware",
    # "Log in to enrol" needs no CSRF token from a visitor who is not signed in,
    # only a same-origin POST, so path pages can be cached (learning.journey).
    "learning.journey.anonymous_enrol.AnonymousEnrolMiddleware",
    # Signed-in answers: Cache-Control: private, no-store.
    "curbside.middleware.PrivateResponseMiddleware",
    # Every 429 carries Retry-After.
    "curbside.middleware.RetryAfterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Admin access: no admin rights -> dashboard; required 2FA missing -> set it up.
    "curbside.security.AdminSecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "curbside.middleware.SiteCacheMiddleware",
    # Last: admin POSTs in one transaction; a refused publication rolls back
    # and answers with the problems (learning's publish gate).
    "curbside.middleware.PublishRefusedMiddleware",
]

ROOT_URLCONF = "curbside.urls"
WSGI_APPLICATION = "curbside.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_navigation",
                "curbside.context_processors.account_links",
            ],
        },
    },
]

# Databases: DATABASE_URL, SQLite in the project folder by default; the
# search index's own SQLite file with SEARCH_DATABASE_URL (databases.py).
DATABASES = database_config(BASE_DIR)
DATABASE_ROUTERS = ["search.database.IndexRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Media (uploads, renditions, certificate PDFs): local disk, or an S3-compatible
# bucket when AWS_STORAGE_BUCKET_NAME is set (curbside/settings/storage.py, docs/scaled-setup.md).
STORAGES["default"] = media_storage()

# The default cache also holds the rate-limit counters (allauth's and
# learning.ratelimit's) and used TOTP codes, so every app process must share
# it: CACHE_URL=db:// (or db://<table>) selects Django's database cache, whose
# table `manage.py createcachetable` creates (idempotent). Unset, or
# locmem://, keeps a per-process memory cache: right for one process only.
# locmem:// keeps a per-process memory cache: right for one process only, the
# development default. Production defaults to db:// and refuses locmem://.
CACHE_URL = env_str("CACHE_URL", "locmem://")
CACHES = cache_config(CACHE_URL)

# Background tasks run in-process in the embedded setup. TASKS_BACKEND=database
# (or the dotted path django_tasks_db.DatabaseBackend) queues them in the
# database for `make worker` processes (docs/scaled-setup.md).
TASKS_BACKEND_ALIASES = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env_str("TASKS_BACKEND", "immediate")
TASKS = {"default": {"BACKEND": TASKS_BACKEND_ALIASES.get(_tasks_backend, _tasks_backend)}}
# Task workers (`manage.py worker`) record a heartbeat every
# WORKER_HEARTBEAT_SECONDS; /healthz reports the queue degraded when none is
# newer than WORKER_HEARTBEAT_STALE_SECONDS. A worker that loses the database
# retries with backoff, at most WORKER_BACKOFF_MAX_SECONDS apart.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15)
WORKER_HEARTBEAT_STALE_SECONDS = env_int("WORKER_HEARTBEAT_STALE_SECONDS", 120)
WORKER_BACKOFF_MAX_SECONDS = env_int("WORKER_BACKOFF_MAX_SECONDS", 30)

# GET /healthz gives anyone the bare status; the details (each check) only to
# a request with "Authorization: Bearer <HEALTHZ_TOKEN>". Unset: nobody.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN", "")

# Email: the console in development (emails are printed); SMTP in production,
# which refuses the backends below (curbside.settings.production).
SMTP_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
UNSAFE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Curbside <no-reply@curbside.example>")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Curbside"
# The site's address, printed on certificates and in their QR codes and used in
# links in emails sent outside a request (background tasks). `make run` sets it
# from HOST and PORT; production refuses to start without it. Admin
# notification emails use WAGTAILADMIN_BASE_URL, by default the same address.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", PUBLIC_BASE_URL).rstrip("/")
# How certificates are drawn (learning.certificates.rendering): "layered" (the
# page that is the same for a path drawn once, the learner's parts over it) or
# "flow" (WeasyPrint lays out every certificate whole).
CERTIFICATE_RENDERER = env_str("CERTIFICATE_RENDERER", "layered")
# Development only: links built while answering a request (emails sent from a
# view, for one) use the address that request came to, so a server on another
# port or host links to itself (cms.site_url).
BASE_URL_FROM_REQUEST = False
# Wagtail's own search (the admin's page, image and snippet search) stays on
# its database backend; the public site searches through search/.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Site search (search/): the embedded engine (SQLite FTS5 or PostgreSQL
# full-text search) by default; Elasticsearch when ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
# Alias the site searches; each rebuild creates "<alias>-<timestamp>" behind it.
ELASTICSEARCH_INDEX = env_str("ELASTICSEARCH_INDEX", "curbside-search")
ELASTICSEARCH_TIMEOUT = float(env_str("ELASTICSEARCH_TIMEOUT", "3"))
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
# Uploaded images: raster formats every browser and the certificate PDF
# renderer show (no SVG, no AVIF/HEIC), at most 10 MB and 40 megapixels;
# cms.images also limits each side and refuses truncated or corrupt files.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Any request body over this is refused (413) before it is read
# (curbside.request_limits): the largest upload a form takes is 10 MB; a
# document for the library may be larger, up to this.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_MB", 32) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.images.ImageForm"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Editors' avatars are not fetched from Gravatar (that would send a hash of
# their email address to a third party with every admin page).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
TAGGIT_CASE_INSENSITIVE = True

# HTTP cache (docs/http-cache.md). Public pages seen by visitors who are not
# signed in: browsers keep them HTTP_CACHE_MAX_AGE seconds, a shared cache
# (Varnish, a CDN) HTTP_CACHE_SHARED_MAX_AGE, since publishing purges them.
HTTP_CACHE_MAX_AGE = env_int("HTTP_CACHE_MAX_AGE", 60)
HTTP_CACHE_SHARED_MAX_AGE = env_int("HTTP_CACHE_SHARED_MAX_AGE", 3600)
# Purging (wagtail.contrib.frontend_cache, curbside.http_cache.purge): none in
# the embedded setup. FRONTEND_CACHE_URL=http://127.0.0.1:6081 purges Varnish
# (deploy/varnish/curbside.vcl); CLOUDFLARE_ZONE_ID with CLOUDFLARE_API_TOKEN,
# or CLOUDFRONT_DISTRIBUTION_ID (AWS credentials as for S3), purge a CDN.
WAGTAILFRONTENDCACHE = {}
if env_str("FRONTEND_CACHE_URL", ""):
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "curbside.http_cache.backends.VarnishBackend",
        "LOCATION": env_str("FRONTEND_CACHE_URL"),
        "TIMEOUT": float(env_str("FRONTEND_CACHE_TIMEOUT", "2")),
    }
if env_str("CLOUDFLARE_ZONE_ID", ""):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env_str("CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env_str("CLOUDFLARE_API_TOKEN", required=True),
    }
if env_str("CLOUDFRONT_DISTRIBUTION_ID", ""):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env_str("CLOUDFRONT_DISTRIBUTION_ID"),
    }

# Logging: one line per record on stderr. LOG_FORMAT=json writes one JSON
# object per line (the production default; curbside.observability.JsonFormatter)
# with the request id, method, path, status and user id of the request that
# logged it. REQUEST_LOG_LEVEL=INFO adds one line per request (production).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "curbside.observability.RequestContextFilter"}},
    "formatters": {
        "text": {
            "()": "curbside.observability.TextFormatter",
            "format": "%(levelname)s %(name)s: %(message)s",
        },
        "json": {"()": "curbside.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # The Elasticsearch client logs every request at INFO.
        "elastic_transport": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pikepdf logs its logger bridge at INFO when imported, in every process.
        "pikepdf": {"level": "WARNING"},
        "wagtail": {"level": env_str("WAGTAIL_LOG_LEVEL", "WARNING")},
        "curbside.request": {"level": env_str("REQUEST_LOG_LEVEL", "WARNING")},
    },
}
