"""Production settings: DEBUG off, secrets and hosts required from the environment.

Refuses to start (ImproperlyConfigured) without SECRET_KEY and ALLOWED_HOSTS.
`python manage.py check --deploy` reports nothing with the defaults below; the
HTTPS switches can be turned off for plain-HTTP testing on loopback
(SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
SECURE_HSTS_SECONDS=0), as `make bench` does. See docs/deploy.md.
"""

import copy
import re

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, SMTP_EMAIL_BACKEND, STORAGES, UNSAFE_EMAIL_BACKENDS
from .env import cache_config, env_bool, env_int, env_list, env_str

DEBUG = False
if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on: production settings never run with DEBUG. "
        "Unset it, or use curbside.settings.dev."
    )

_DEV_KEY_PREFIXES = ("insecure-", "django-insecure")
SECRET_KEY = env_str("SECRET_KEY", "")
# What `check --deploy` (security.W009) asks for: at least 50 characters, at
# least 5 different ones, not a development key.
if (
    not SECRET_KEY
    or SECRET_KEY.startswith(_DEV_KEY_PREFIXES)
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "The environment variable SECRET_KEY must be set to a long random value "
        "(at least 50 characters, at least 5 different ones, not the development key) to "
        "run with production settings. Generate one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "The environment variable ALLOWED_HOSTS must be set to the host names this site "
        "answers to, comma separated (for example curbside.example.org,127.0.0.1)."
    )

# Certificates print this address and encode it in their QR codes, and
# emails sent by background tasks link to it: there is no request to take it
# from, and a wrong default would go out on paper.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")
if not re.fullmatch(r"https?://[^/\s]+", PUBLIC_BASE_URL):
    raise ImproperlyConfigured(
        "The environment variable PUBLIC_BASE_URL must be set to the address learners use, "
        "scheme and host without a path (for example https://curbside.example.org): it is "
        "printed on certificates, in their QR codes and in links in emails."
    )
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", PUBLIC_BASE_URL).rstrip("/")
BASE_URL_FROM_REQUEST = False

# The cache holds rate-limit counters and spent two-factor codes, so every
# app process must share it: production defaults to the database cache
# (its table is created by the migrations) and refuses a per-process one.
CACHE_URL = env_str("CACHE_URL", "db://")
if CACHE_URL == "locmem://":
    raise ImproperlyConfigured(
        "CACHE_URL=locmem:// gives each process its own cache: rate limits and spent "
        "two-factor codes would not be shared between app processes. Leave CACHE_URL unset "
        "(the database cache) or set CACHE_URL=db://<table>."
    )
CACHES = cache_config(CACHE_URL)

# Email: SMTP only. The console backend would write password-reset links,
# addresses and usernames into the log stream; files and memory lose them.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", SMTP_EMAIL_BACKEND)
if EMAIL_BACKEND in UNSAFE_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND} is refused with production settings: emails (password "
        "resets included) would end up in the logs, on disk or nowhere. Use SMTP: set "
        "EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS "
        '(docs/deploy.md, "Email").'
    )

# Static files: whitenoise serves them from STATIC_ROOT (`collectstatic`),
# compressed (gzip and Brotli) with content-hashed names cached for a year.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _security + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_security + 1 :],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS. Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# The load balancer's health check is plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Cookies: HTTPS only, out of reach of scripts (no script of the site or of
# the Wagtail admin reads the CSRF cookie: both take the token from the page).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logs: JSON lines with request ids, and one line per request.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = copy.deepcopy(LOGGING)
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["loggers"]["curbside.request"]["level"] = env_str("REQUEST_LOG_LEVEL", "INFO")
