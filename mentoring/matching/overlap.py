"""Hours a week two people are both free, each in their own time zone.

Each person's weekly windows are placed on the real calendar of a reference
week (Monday to Sunday) with ``zoneinfo``, so a week in which one of them
changes to or from daylight-saving time is counted as it will actually happen.
The windows are turned into UTC intervals and compared within that week's UTC
Monday 00:00 to the next Monday 00:00. Windows of the week before and after
are placed too, so a Sunday-night window that runs past midnight, or a Monday
morning in Kolkata that is still Sunday in UTC, is not lost at the edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .profiles import Availability

WEEK_SECONDS = 7 * 24 * 3600

Interval = tuple[int, int]  # seconds from the reference week's Monday 00:00 UTC


def week_start(day: date) -> date:
    """The Monday of the week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def current_week() -> date:
    """The Monday of this week (UTC)."""
    return week_start(datetime.now(UTC).date())


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


@lru_cache(maxsize=16384)
def utc_intervals(
    timezone: str, windows: tuple[Availability, ...], week: date
) -> tuple[Interval, ...]:
    """The person's windows in the reference week as sorted, non-overlapping
    UTC intervals in seconds from that week's Monday 00:00 UTC.

    A local time that does not exist (the hour skipped when clocks go forward)
    is read with the offset in force before the change, as ``zoneinfo`` does;
    a window across that change is as long as the time that really passes."""
    monday = week_start(week)
    origin = datetime.combine(monday, time(0), tzinfo=UTC)
    zone = ZoneInfo(timezone)
    pieces: list[Interval] = []
    for shift in (-7, 0, 7):
        for window in windows:
            day = monday + timedelta(days=window.weekday + shift)
            end_day = day + timedelta(days=1) if window.crosses_midnight else day
            start = datetime.combine(day, window.start, tzinfo=zone).astimezone(UTC)
            end = datetime.combine(end_day, window.end, tzinfo=zone).astimezone(UTC)
            lo = max(0, int((start - origin).total_seconds()))
            hi = min(WEEK_SECONDS, int((end - origin).total_seconds()))
            if hi > lo:
                pieces.append((lo, hi))
    return _merge(pieces)


def intersection_seconds(first: Sequence[Interval], second: Sequence[Interval]) -> int:
    """Seconds covered by both of two sorted, non-overlapping interval lists."""
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if end > start:
            total += end - start
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return total


def overlap_hours(
    first_zone: str,
    first_windows: Sequence[Availability],
    second_zone: str,
    second_windows: Sequence[Availability],
    week: date,
) -> float:
    """Hours in the reference week (containing ``week``) when both are free."""
    monday = week_start(week)
    seconds = intersection_seconds(
        utc_intervals(first_zone, tuple(first_windows), monday),
        utc_intervals(second_zone, tuple(second_windows), monday),
    )
    return seconds / 3600


def weekly_hours(zone: str, windows: Sequence[Availability], week: date) -> float:
    """Hours a week one person is free (their windows merged)."""
    intervals = utc_intervals(zone, tuple(windows), week_start(week))
    return sum(end - start for start, end in intervals) / 3600
