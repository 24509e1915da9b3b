"""The session's calendar invitation, parsed back with icalendar: times in
UTC that land on the right wall-clock time for a Chicago mentor and a Lagos
mentee, also across the US change to summer time (8 March 2026)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from mentoring.space import scheduling
from mentoring.space.forms import SessionForm
from mentoring.space.zones import to_utc

from .space_world import make_pair

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
CHICAGO, LAGOS = ZoneInfo("America/Chicago"), ZoneInfo("Africa/Lagos")
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def fetch(client, pair, session, user):
    client.force_login(user)
    response = client.get(
        f"/mentoring/space/{pair.relationship.pk}/sessions/{session.pk}/invite.ics"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def event_of(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_mentor_types_chicago_time_and_both_calendars_agree_across_dst(client):
    pair = make_pair()
    # Tuesday 10 March 2026, 09:00 in Chicago: two days after the clocks went
    # forward there (CDT, UTC-5); Lagos has no summer time (WAT, UTC+1).
    form = SessionForm(
        {"date": "2026-03-10", "time": "09:00", "minutes": "60", "video_url": ""},
        zone="America/Chicago",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == datetime.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    session = scheduling.schedule_session(
        pair.relationship,
        pair.mentor,
        starts_at=form.cleaned_data["starts_at"],
        minutes=60,
        video_url="https://meet.example.org/ngozi-paul",
        now=NOW,
    )

    calendar = fetch(client, pair, session, pair.mentee)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = event_of(calendar)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert start.utcoffset() == datetime.timedelta(0)
    assert end - start == datetime.timedelta(hours=1)
    assert start.astimezone(CHICAGO).hour == 9
    assert start.astimezone(LAGOS).hour == 15
    assert str(event["UID"]) == f"{session.uid}@curbside"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["LOCATION"]) == str(event["URL"]) == "https://meet.example.org/ngozi-paul"
    assert str(event["ORGANIZER"]) == "mailto:paul@example.org"
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert attendees == {"mailto:paul@example.org", "mailto:ngozi@example.org"}
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -datetime.timedelta(minutes=30)

    # The same time a week earlier was before the change: 09:00 CST is 15:00
    # UTC, 16:00 in Lagos. Moving the session keeps its UID, bumps SEQUENCE.
    earlier = to_utc(datetime.datetime(2026, 3, 3, 9, 0), "America/Chicago")
    assert earlier == datetime.datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    scheduling.reschedule_session(
        session,
        pair.mentee,
        starts_at=earlier,
        minutes=60,
        video_url="https://meet.example.org/ngozi-paul",
        now=NOW,
    )
    moved = event_of(fetch(client, pair, session, pair.mentor))
    assert str(moved["UID"]) == f"{session.uid}@curbside"
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART").astimezone(LAGOS).hour == 16
    assert moved.decoded("DTSTART").astimezone(CHICAGO).hour == 9


def test_a_cancelled_session_is_a_cancellation(client):
    pair = make_pair()
    session = scheduling.schedule_session(
        pair.relationship,
        pair.mentee,
        starts_at=datetime.datetime(2026, 3, 20, 17, 0, tzinfo=UTC),
        minutes=30,
        location="Hospital café",
        now=NOW,
    )
    scheduling.cancel_session(session, pair.mentor, now=NOW)
    calendar = fetch(client, pair, session, pair.mentee)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = event_of(calendar)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["LOCATION"]) == "Hospital café"
    assert not event.walk("VALARM")


def test_a_time_skipped_by_the_clocks_is_refused_on_the_form():
    form = SessionForm(
        {"date": "2026-03-08", "time": "02:30", "minutes": "60"}, zone="America/Chicago"
    )
    assert not form.is_valid()
    assert "clocks go forward" in form.errors["time"][0]
