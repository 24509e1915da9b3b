"""Simultaneous requests on PostgreSQL leave exactly one record. Each thread
has its own database connection, like two gunicorn workers."""

import threading

from django.db import connection

import pytest

from learning.journey import progress, services
from learning.models import CreditClaim, Enrolment, StepCompletion, TestAttempt

from .conftest import correct_answers, evaluation_answers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 4


def race(func, *args):
    """Run ``func(*args)`` in THREADS threads released at the same instant."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(func(*args))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return results


def test_simultaneous_enrolments_leave_one(learner, path):
    results = race(services.enrol, learner, path)
    assert Enrolment.objects.filter(user=learner, path=path).count() == 1
    assert sum(created for _, created in results) == 1


def test_simultaneous_mark_complete_leaves_one_record(learner, path):
    services.enrol(learner, path)
    guide_id = progress.path_steps(path)[0].guide_id
    results = race(services.complete_step, learner, path, guide_id)
    assert StepCompletion.objects.filter(enrolment__user=learner, guide_id=guide_id).count() == 1
    assert sum(created for _, created in results) == 1


def test_simultaneous_passing_attempts_record_one_pass(learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)
    race(services.submit_attempt, learner, path, correct_answers(path))
    attempts = TestAttempt.objects.filter(enrolment__user=learner)
    assert attempts.filter(passed=True).count() == 1
    assert list(attempts.values_list("number", flat=True)) == [1]


def test_simultaneous_claims_leave_one_claim(learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))
    results = race(services.claim_credit, learner, path, "1", True)
    assert CreditClaim.objects.filter(enrolment__user=learner).count() == 1
    assert sum(created for _, created in results) == 1
    assert len({claim.pk for claim, _ in results}) == 1
