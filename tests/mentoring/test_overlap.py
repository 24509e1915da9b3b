"""Weekly overlap across time zones, on the real calendar of a reference week
(daylight-saving changes, windows past midnight, the edges of the week)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.matching.overlap import overlap_hours, weekly_hours
from tests.mentoring.builders import WEEK, window
from tests.properties import examples

CHICAGO, LAGOS, KOLKATA, LONDON = (
    "America/Chicago",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Europe/London",
)


def test_chicago_morning_and_lagos_afternoon_in_winter_and_summer():
    chicago = [window(0, "07:00", "09:00")]  # 13:00-15:00 UTC in winter, 12:00-14:00 in summer
    lagos = [window(0, "14:00", "16:00")]  # 13:00-15:00 UTC all year (no daylight saving)
    assert overlap_hours(CHICAGO, chicago, LAGOS, lagos, WEEK) == 2.0
    assert overlap_hours(CHICAGO, chicago, LAGOS, lagos, date(2025, 7, 9)) == 1.0


def test_the_week_chicago_changes_its_clocks():
    # Monday 3 to Sunday 9 March 2025: Chicago moves to CDT at 02:00 on Sunday.
    chicago = [window(0, "07:00", "09:00"), window(6, "07:00", "09:00")]
    lagos = [window(0, "14:00", "16:00"), window(6, "14:00", "16:00")]
    dst_week = date(2025, 3, 3)
    # Monday still CST (2 hours in common), Sunday already CDT (1 hour).
    assert overlap_hours(CHICAGO, chicago, LAGOS, lagos, dst_week) == 3.0
    assert overlap_hours(CHICAGO, chicago, LAGOS, lagos, WEEK) == 4.0


def test_between_the_american_and_european_changes():
    # 10-28 March 2025: Chicago is on summer time and London is not yet.
    chicago = [window(0, "09:00", "11:00")]
    london = [window(0, "14:00", "16:00")]
    assert overlap_hours(CHICAGO, chicago, LONDON, london, date(2025, 3, 10)) == 2.0
    assert overlap_hours(CHICAGO, chicago, LONDON, london, date(2025, 4, 7)) == 1.0
    assert overlap_hours(CHICAGO, chicago, LONDON, london, WEEK) == 1.0


def test_windows_across_a_clock_change_last_as_long_as_the_time_that_passes():
    spring = [window(6, "01:00", "03:00")]  # Sunday 9 March 2025: 02:00 does not exist
    autumn = [window(6, "01:00", "03:00")]  # Sunday 2 November 2025: 01:00-02:00 twice
    assert weekly_hours(CHICAGO, spring, date(2025, 3, 3)) == 1.0
    assert weekly_hours(CHICAGO, autumn, date(2025, 10, 27)) == 3.0
    utc_sunday = [window(6, "00:00", "12:00")]  # the Chicago window is 07:00-08:00 UTC
    assert overlap_hours(CHICAGO, spring, "UTC", utc_sunday, date(2025, 3, 3)) == 1.0


def test_a_window_past_midnight_in_kolkata():
    kolkata = [window(0, "22:00", "01:00")]  # Monday 16:30-19:30 UTC
    chicago = [window(0, "11:00", "13:00")]  # Monday 17:00-19:00 UTC (CST)
    assert weekly_hours(KOLKATA, kolkata, WEEK) == 3.0
    assert overlap_hours(KOLKATA, kolkata, CHICAGO, chicago, WEEK) == 2.0


def test_kolkata_monday_morning_is_chicago_sunday_afternoon():
    kolkata = [window(0, "02:00", "04:00")]  # Sunday 20:30-22:30 UTC, the week before
    chicago = [window(6, "15:00", "17:00")]  # Sunday 21:00-23:00 UTC
    assert overlap_hours(KOLKATA, kolkata, CHICAGO, chicago, WEEK) == 1.5
    assert overlap_hours(CHICAGO, chicago, KOLKATA, kolkata, WEEK) == 1.5


def test_sunday_night_into_monday_and_a_window_ending_at_midnight():
    late = [window(6, "23:00", "01:00")]
    early_monday = [window(0, "00:00", "01:00")]
    assert weekly_hours(LAGOS, late, WEEK) == 2.0
    assert overlap_hours(LAGOS, late, LAGOS, early_monday, WEEK) == 1.0
    evening = [window(2, "18:00", "00:00")]
    assert weekly_hours(LAGOS, evening, WEEK) == 6.0


def test_a_persons_own_windows_that_overlap_count_once():
    twice = [window(3, "09:00", "12:00"), window(3, "11:00", "13:00")]
    assert weekly_hours(LAGOS, twice, WEEK) == 4.0
    assert overlap_hours(LAGOS, twice, LAGOS, [window(3, "08:00", "18:00")], WEEK) == 4.0


ZONES = [CHICAGO, LAGOS, KOLKATA, LONDON, "Pacific/Auckland", "America/St_Johns", "UTC"]
windows = st.lists(
    st.builds(
        # Starts on the hour or the half hour, ends on the hour; never empty.
        lambda day, start, length: window(
            day, f"{start // 2:02d}:{start % 2 * 30:02d}", f"{(start // 2 + length) % 24:02d}:00"
        ),
        st.integers(0, 6),
        st.integers(0, 47),
        st.integers(1, 23),
    ),
    max_size=4,
)
weeks = st.sampled_from([WEEK, date(2025, 3, 3), date(2025, 3, 24), date(2025, 4, 7)])


@settings(max_examples=examples(80), deadline=None)
@given(st.sampled_from(ZONES), windows, st.sampled_from(ZONES), windows, weeks)
def test_overlap_is_symmetric_and_at_most_what_either_has(zone_a, a, zone_b, b, week):
    both = overlap_hours(zone_a, a, zone_b, b, week)
    assert both == overlap_hours(zone_b, b, zone_a, a, week)
    assert 0 <= both <= min(weekly_hours(zone_a, a, week), weekly_hours(zone_b, b, week))
    assert overlap_hours(zone_a, a, zone_a, a, week) == pytest.approx(weekly_hours(zone_a, a, week))
