"""Simultaneous answers on PostgreSQL: a mentor's last place goes once, and a
mentee's double click sends one request. Each thread has its own database
connection, like two gunicorn workers."""

import threading
import time

from django.db import connection

import pytest

from mentoring.exceptions import MentoringError
from mentoring.models import MatchRequest, Relationship, RequestStatus
from mentoring.services import asking

from .conftest import mentee_in, mentor_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 4


def race(calls):
    """Run each call (a function and its arguments) in its own thread, all
    released at the same instant; (results, refusals)."""
    barrier = threading.Barrier(len(calls))
    results, refusals, errors = [], [], []

    def run(func, args):
        try:
            barrier.wait(timeout=10)
            results.append(func(*args))
        except MentoringError as refusal:
            refusals.append(refusal.message)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return results, refusals


def test_the_last_place_is_taken_once(programme, monkeypatch):
    # Widen the gap between counting the mentor's places and taking one, so
    # that without the row lock every thread would see a free place.
    checked = asking.has_mentor

    def slow_check(*args):
        time.sleep(0.3)
        return checked(*args)

    monkeypatch.setattr(asking, "has_mentor", slow_check)
    mentor = mentor_in(programme, capacity=1)
    requests = [
        asking.send_request(mentee_in(programme), programme, mentor.pk) for _ in range(THREADS)
    ]
    results, refusals = race([(asking.accept, (r.pk, mentor)) for r in requests])
    assert len(results) == 1
    assert Relationship.objects.filter(mentor=mentor).count() == 1
    assert len(refusals) == THREADS - 1
    assert all("1 of your 1 places are taken" in message for message in refusals)
    assert MatchRequest.objects.filter(status=RequestStatus.PENDING).count() == THREADS - 1


def test_one_mentee_asking_several_mentors_at_once_sends_one_request(programme):
    mentee = mentee_in(programme)
    mentors = [mentor_in(programme) for _ in range(THREADS)]
    results, refusals = race([(asking.send_request, (mentee, programme, m.pk)) for m in mentors])
    assert len(results) == 1 and len(refusals) == THREADS - 1
    assert MatchRequest.objects.filter(mentee=mentee, status=RequestStatus.PENDING).count() == 1


def test_the_same_report_sent_twice_at_once_is_one_report(guide_by_a, monkeypatch):
    """A double click on "Report": both requests find no open report, the
    database's partial unique constraint keeps one, and the second sender
    gets that one, not a server error."""
    from mentoring.consults import services as consults
    from mentoring.models import Report, ReportReason
    from tests.factories import UserFactory
    from tests.factories.consults import QuestionFactory

    question = QuestionFactory(guide=guide_by_a)
    reporter = UserFactory()
    create = Report.objects.create

    def slow_create(**kwargs):  # widen the gap between the check and the write
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(Report.objects, "create", slow_create)

    def send():
        return consults.report(reporter, question=question, reason=ReportReason.PATIENT_DATA)

    results, refusals = race([(send, ())] * 2)
    assert refusals == []
    assert Report.objects.count() == 1
    assert {r.pk for r in results} == {Report.objects.get().pk}
