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

from cms.rate_windows import sliding_count

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
    """True if this client may make another ``scope`` request now: at most
    ``limit`` in any ``window_seconds`` (``sliding_count``)."""
    cache = caches[CACHE_ALIAS]
    now = time.time()
    window = int(now // window_seconds)
    prefix = f"ratelimit:{scope}:{client_address(request)}"
    key = f"{prefix}:{window}"
    timeout = 2 * window_seconds + 1  # read again as the previous window
    if cache.add(key, 1, timeout=timeout):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)
            count = 1
    previous = cache.get(f"{prefix}:{window - 1}") or 0
    return sliding_count(count, previous, now, window_seconds) <= limit


def seconds_until_next_window(window_seconds: int) -> int:
    """For ``Retry-After``: when the current fixed window ends."""
    return max(1, int(window_seconds - time.time() % window_seconds))
