"""Per-person limits on asking, answering and reporting: counts in fixed
windows, the previous window weighted in (cms.rate_windows.sliding_count),
kept in the default cache (the one allauth's and learning's limits use,
shared by every app process with CACHE_URL=db://). Mentoring cannot import
learning's limiter, and these count per account, not per address."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches

from cms.rate_windows import sliding_count

CACHE_ALIAS = "default"


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    window_seconds: int
    wording: str  # "5 questions an hour"


QUESTION_LIMITS = (
    Limit(5, 3600, "5 questions an hour"),
    Limit(20, 86400, "20 questions a day"),
)
ANSWER_LIMITS = (Limit(30, 3600, "30 answers an hour"),)
REPORT_LIMITS = (Limit(10, 3600, "10 reports an hour"),)


@dataclass(frozen=True, slots=True)
class Refusal:
    limit: Limit
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        minutes = max(1, round(self.retry_after / 60))
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        if minutes >= 120:
            wait = f"{round(minutes / 60)} hours"
        return (
            f"You have reached the limit of {self.limit.wording}. Nothing was sent and "
            f"your text is still here: please try again in about {wait}."
        )


def _key(scope: str, user: Any, limit: Limit, window: int) -> str:
    return f"consult-limit:{scope}:{user.pk}:{limit.window_seconds}:{window}"


def check(user: Any, scope: str, limits: tuple[Limit, ...]) -> Refusal | None:
    """Count one more ``scope`` action by ``user``; a Refusal if any limit is passed
    (then nothing is counted)."""
    cache = caches[CACHE_ALIAS]
    now = time.time()
    keys = []
    for limit in limits:
        window = int(now // limit.window_seconds)
        key = _key(scope, user, limit, window)
        current = cache.get(key) or 0
        previous = cache.get(_key(scope, user, limit, window - 1)) or 0
        # One more would pass the limit over the last window_seconds.
        if sliding_count(current + 1, previous, now, limit.window_seconds) > limit.count:
            return Refusal(limit, max(1, int(limit.window_seconds - now % limit.window_seconds)))
        keys.append((key, limit))
    for key, limit in keys:
        timeout = 2 * limit.window_seconds + 1  # read again as the previous window
        if not cache.add(key, 1, timeout=timeout):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=timeout)
    return None
