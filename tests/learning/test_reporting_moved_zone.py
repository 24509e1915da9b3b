"""CompletedDateTime when the learner has moved time zone since completing.

The certificate's completion date was worked out in the learner's zone at
issuance, and a reissue keeps it. The time of day was worked out in the
zone of the learner's profile when the batch is made: a learner who
completed at 11:30 pm in Honolulu and then moved to Auckland was reported
as "2026-03-14T22:30:00+13:00", an instant a whole day after the one they
completed at, with the printed date. Now the time is given under the
whole-hour offset nearest theirs that keeps the printed date, and names
the moment they completed."""

import datetime

import pytest

from learning.certificates.issuance import reissue
from learning.models import Enrolment, LearnerProfile
from learning.reporting.batches import create_batch
from learning.reporting.eligibility import _offset_for
from learning.reporting.json_report import learners_document

from .report_fixtures import certify, learner, reporting_institution, reporting_path

pytestmark = pytest.mark.django_db

# 11:30 pm on 14 March 2026 in Honolulu (UTC-10).
INSTANT = datetime.datetime(2026, 3, 15, 9, 30, tzinfo=datetime.UTC)


def _completed(document):
    reports = document["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]
    return [report["Activity"]["Module"]["CompletedDateTime"] for report in reports]


def _certified_in_honolulu(name):
    institution, staff = reporting_institution()
    path = reporting_path(institution)
    user = learner(name)
    LearnerProfile.objects.filter(user=user).update(time_zone="Pacific/Honolulu")
    certificate = certify(user, path, completed=datetime.date(2026, 3, 14))
    Enrolment.objects.filter(pk=certificate.claim.enrolment_id).update(completed_at=INSTANT)
    return institution, staff, user, certificate


def test_a_learner_who_moved_to_auckland_is_reported_at_the_moment_they_completed():
    institution, staff, user, certificate = _certified_in_honolulu("keala")
    LearnerProfile.objects.filter(user=user).update(time_zone="Pacific/Auckland")

    [written] = _completed(learners_document(create_batch(institution, "CME", staff)))

    assert written == "2026-03-14T23:30:00-10:00"
    assert datetime.datetime.fromisoformat(written) == INSTANT
    assert written[:10] == certificate.completion_date.isoformat()


def test_a_reissue_after_the_move_keeps_the_date_and_the_instant():
    institution, staff, user, certificate = _certified_in_honolulu("malia")
    LearnerProfile.objects.filter(user=user).update(time_zone="Pacific/Auckland")
    new = reissue(certificate, staff, "Name spelled wrong")

    [written] = _completed(learners_document(create_batch(institution, "CME", staff)))

    assert new.completion_date == datetime.date(2026, 3, 14)
    assert datetime.datetime.fromisoformat(written) == INSTANT
    assert written.startswith("2026-03-14T")


def test_a_learner_still_in_their_zone_keeps_its_own_offset():
    institution, staff, _, _ = _certified_in_honolulu("noe")
    [written] = _completed(learners_document(create_batch(institution, "CME", staff)))
    assert written == "2026-03-14T23:30:00-10:00"


@pytest.mark.parametrize(
    ("day", "wanted_hours", "expected_hours"),
    [
        (datetime.date(2026, 3, 14), 13, -10),  # clamped to the day's last whole hour
        (datetime.date(2026, 3, 15), -10, -9),  # the day's first whole hour
        (datetime.date(2026, 3, 15), 5, 5),  # already on that day: kept
        (datetime.date(2026, 3, 13), 0, None),  # no offset within 14 hours reaches it
        (datetime.date(2026, 3, 16), 0, None),
    ],
)
def test_the_offset_is_the_nearest_whole_hour_that_keeps_the_day(day, wanted_hours, expected_hours):
    found = _offset_for(INSTANT, day, datetime.timedelta(hours=wanted_hours))
    if expected_hours is None:
        assert found is None
    else:
        assert found == datetime.timedelta(hours=expected_hours)
        assert (INSTANT + found).date() == day
