"""Rate limits count the last window's requests, not only the current fixed
window's: a burst across a window's edge is limited like any other. The
clock is set by hand (``time.time`` in the limiter's module) because the
edge of a real window cannot be waited for in a test; the cache is the
real default cache."""

import pytest

from cms.rate_windows import sliding_count
from learning import ratelimit
from mentoring.consults import ratelimit as consult_limits
from tests.factories import UserFactory


def test_the_previous_window_counts_for_the_share_still_inside_the_last_window():
    assert sliding_count(1, 5, now=900.0, window_seconds=900) == 6  # at the edge: all of it
    assert sliding_count(1, 5, now=900 + 450, window_seconds=900) == 3.5  # halfway
    assert sliding_count(2, 0, now=123.0, window_seconds=900) == 2


def test_a_burst_across_a_window_edge_is_limited(rf, monkeypatch):
    clock = [900 * 1000 - 1.0]  # one second before a 15-minute window ends
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    request = rf.post("/me/privacy/delete/")
    allowed = []
    for _ in range(7):
        allowed.append(ratelimit.allow(request, "edge-test", 5, 900))
        clock[0] += 0.4  # the third attempt falls in the next window
    assert allowed == [True] * 5 + [False] * 2


@pytest.mark.django_db
def test_a_consult_burst_across_an_hours_edge_is_limited(monkeypatch):
    clock = [3600 * 500 - 1.0]
    monkeypatch.setattr(consult_limits.time, "time", lambda: clock[0])
    user = UserFactory()
    refused = []
    for _ in range(7):
        refused.append(consult_limits.check(user, "ask", consult_limits.QUESTION_LIMITS))
        clock[0] += 0.4
    assert [r is None for r in refused] == [True] * 5 + [False] * 2
    assert refused[-1].limit.wording == "5 questions an hour"
