"""Small helpers that read configuration from environment variables only."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name, default=None, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# The database cache's table when CACHE_URL is db:// (created by a migration,
# cms/migrations/0003 (which repeats the name), and by `manage.py createcachetable`).
DEFAULT_CACHE_TABLE = "curbside_cache"


def cache_config(url):
    """CACHES for CACHE_URL: ``locmem://`` (per process) or ``db://[table]``
    (Django's database cache, shared by every process)."""
    if url == "locmem://":
        cache = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "curbside",
        }
    elif url.startswith("db://"):
        cache = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url.removeprefix("db://").strip("/") or DEFAULT_CACHE_TABLE,
            # Culling (a third of the entries when full) must not drop counters
            # in the middle of an attack.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    else:
        raise ImproperlyConfigured(f"CACHE_URL must be locmem:// or db://[table], not {url!r}.")
    return {"default": {**cache, "TIMEOUT": 600}}
