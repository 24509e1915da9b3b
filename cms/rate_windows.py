"""Counting requests for a rate limit in fixed windows of the cache, without
the double allowance at a window's edge (learning.ratelimit and
mentoring.consults.ratelimit both count this way; it lives here, at the
bottom layer, so that both may import it)."""


def sliding_count(current: int, previous: int, now: float, window_seconds: int) -> float:
    """The requests of the last ``window_seconds``, estimated from the
    current fixed window's count and the previous window's, weighted by the
    share of the previous window still inside the last ``window_seconds``.
    With the current window's count alone, a client could make the limit's
    number of requests just before a window's end and as many again just
    after (and a test's seven quick attempts that crossed the edge were not
    limited at all)."""
    overlap = 1 - (now % window_seconds) / window_seconds
    return previous * overlap + current
