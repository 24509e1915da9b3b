"""The JSON learner report's CompletedDateTime names the instant the learner
completed, with the date printed on their certificate: the time of day in the
learner's time zone with its UTC offset (json_report.completed_date_time).

Before, it joined the learner's local completion date with the claim's time
in UTC and a "Z": for a learner in California completing at 9 pm, an instant
on the day before, which could move a completion on 31 December into the
previous reporting year."""

import datetime

import pytest

from learning.models import Enrolment, LearnerProfile, ReportedCompletion
from learning.reporting.batches import create_batch
from learning.reporting.json_report import completed_date_time, learners_document

from .report_fixtures import certify, learner, reporting_institution, reporting_path

pytestmark = pytest.mark.django_db


def _completed(document):
    reports = document["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]
    return [report["Activity"]["Module"]["CompletedDateTime"] for report in reports]


def test_a_late_evening_completion_in_california_keeps_its_day():
    institution, staff = reporting_institution()
    path = reporting_path(institution)
    user = learner("dana")
    LearnerProfile.objects.filter(user=user).update(time_zone="America/Los_Angeles")
    certificate = certify(user, path, completed=datetime.date(2026, 12, 31))
    # 9 pm on 31 December in Los Angeles: 05:00 on 1 January in UTC.
    instant = datetime.datetime(2027, 1, 1, 5, 0, tzinfo=datetime.UTC)
    Enrolment.objects.filter(pk=certificate.claim.enrolment_id).update(completed_at=instant)

    batch = create_batch(institution, "CME", staff)

    [written] = _completed(learners_document(batch))
    assert written == "2026-12-31T21:00:00-08:00"
    assert datetime.datetime.fromisoformat(written) == instant
    assert written[:10] == certificate.completion_date.isoformat()


def test_rows_reported_before_are_written_as_they_were():
    """A batch's file is built again from its stored rows: a row stored with
    the claim's time in UTC keeps its "Z" (the same bytes as its first download)."""
    assert completed_date_time(
        {"completion_date": "2026-03-14", "completion_time": "15:30:00"}
    ) == ("2026-03-14T15:30:00Z")
    institution, staff = reporting_institution()
    certify(learner("ravi"), reporting_path(institution))
    batch = create_batch(institution, "CME", staff)
    row = ReportedCompletion.objects.get(batch=batch)
    row.data = {**row.data, "completion_time": "15:30:00"}
    row.save()

    assert _completed(learners_document(batch)) == ["2026-03-14T15:30:00Z"]
