"""The 24-hour session reminder scan, run with a controlled ``now``: each
member hears once per session version, in their own time zone."""

import datetime

import pytest

from mentoring.space import notices, scheduling
from notifications.models import Notification
from notifications.schedule import run_scans
from notifications.services import set_enabled

from .space_world import make_pair

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
START = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 09:00 CDT, 15:00 WAT


def soon(user):
    return Notification.objects.filter(user=user, kind=notices.SESSION_SOON.key)


def test_the_scan_is_registered_and_reminds_each_member_in_their_zone():
    pair = make_pair()
    session = scheduling.schedule_session(
        pair.relationship,
        pair.mentor,
        starts_at=START,
        minutes=60,
        now=NOW - datetime.timedelta(days=3),
    )
    # More than 24 hours before: nothing.
    assert notices.sessions_soon(START - datetime.timedelta(hours=25)) == 0
    results = run_scans(START - datetime.timedelta(hours=23))
    assert results[notices.SCAN_NAME] == 2
    (to_mentee,) = soon(pair.mentee)
    (to_mentor,) = soon(pair.mentor)
    assert "Tuesday 10 March 2026, 15:00 (Africa/Lagos, WAT)" in to_mentee.text
    assert "Tuesday 10 March 2026, 09:00 (America/Chicago, CDT)" in to_mentor.text
    assert to_mentee.url == f"/mentoring/space/{pair.relationship.pk}/"
    assert f"/sessions/{session.pk}/invite.ics" in to_mentee.text
    # Running again writes nothing.
    assert notices.sessions_soon(START - datetime.timedelta(hours=22)) == 0
    assert soon(pair.mentee).count() == 1

    # Moved within the window: announced again (new sequence).
    scheduling.reschedule_session(
        session,
        pair.mentee,
        starts_at=START + datetime.timedelta(hours=2),
        minutes=60,
        now=START - datetime.timedelta(hours=22),
    )
    assert notices.sessions_soon(START - datetime.timedelta(hours=21)) == 2
    assert "17:00 (Africa/Lagos, WAT)" in soon(pair.mentee).first().text


def test_no_reminder_for_cancelled_sessions_ended_pairs_or_when_turned_off():
    pair = make_pair()
    session = scheduling.schedule_session(
        pair.relationship, pair.mentor, starts_at=START, minutes=60, now=NOW
    )
    set_enabled(pair.mentee, notices.SESSION_SOON.key, False)
    assert notices.sessions_soon(START - datetime.timedelta(hours=20)) == 1
    assert not soon(pair.mentee).exists()
    scheduling.cancel_session(session, pair.mentor, now=NOW)
    other = make_pair(tag="-2")
    scheduling.schedule_session(
        other.relationship, other.mentor, starts_at=START, minutes=60, now=NOW
    )
    other.relationship.status = "ended"
    other.relationship.ended_at = NOW
    other.relationship.save()
    assert notices.sessions_soon(START - datetime.timedelta(hours=19)) == 0
    assert soon(other.mentee).count() == soon(other.mentor).count() == 0
