"""A small fixed-window rate limit per client address (certificate
verification), kept in the default cache: the same cache, and the same idea of
the client's address, as allauth's log-in, sign-up and password-reset limits.
With CACHE_URL=db:// every app process shares the counters
(docs/accounts-security.md)."""

import time

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

from allauth.core.internal.ratelimit import get_ip

# allauth's rate limits always use the default cache; so do these.
CACHE_ALIAS = "default"


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it: REMOTE_ADDR, or the trusted
    X-Forwarded-For entry when TRUSTED_PROXY_COUNT is set; an IPv6 address
    stands for its /64."""
    try:
        return get_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no usable address
        return "unknown"


def allow(request: HttpRequest, scope: str, limit: int, window_seconds: int) -> bool:
    """True if this client may make another ``scope`` request now."""
    cache = caches[CACHE_ALIAS]
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        return True
    return count <= limit


def seconds_until_next_window(window_seconds: int) -> int:
    """For ``Retry-After``: when the current fixed window ends."""
    return max(1, int(window_seconds - time.time() % window_seconds))
