"""A path without credit (max_credits 0) has no claim: its evaluation is the
last stage and completes it. Before, such a path stayed "in progress" for
good (the claim refused it) and blocked any path listing it as a
prerequisite."""

import importlib

from django.apps import apps

import pytest

from learning.journey import progress, services
from learning.models import Enrolment, EvaluationResponse, PathPrerequisite
from tests.factories import LearningPathPageFactory, correct_answers, evaluation_answers

from .conftest import evaluation_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def orientation():
    """A free orientation path, required before an accredited one."""
    free = LearningPathPageFactory(
        title="Orientation to the ward", slug="orientation", max_credits=0, steps=1
    )
    accredited = LearningPathPageFactory(
        title="Sepsis in the first hour", slug="sepsis-hour", steps=1
    )
    PathPrerequisite.objects.create(page=accredited, required_path=free, sort_order=0)
    return free, accredited


def _up_to_the_evaluation(learner, path):
    services.enrol(learner, path)
    services.complete_step(learner, path, progress.path_steps(path)[0].guide_id)
    services.submit_attempt(learner, path, correct_answers(path))


def test_the_evaluation_completes_a_path_without_credit(client, learner, orientation):
    free, accredited = orientation
    _up_to_the_evaluation(learner, free)
    assert progress.missing_prerequisites(learner, accredited) == [free]
    client.force_login(learner)

    response = client.post(free.url + "evaluation/", evaluation_post_data(free), follow=True)

    assert response.redirect_chain[-1][0] == free.url
    assert "You have completed this path." in response.content.decode()
    assert progress.get_progress(learner, free).completed
    assert progress.missing_prerequisites(learner, accredited) == []
    services.enrol(learner, accredited)  # the accredited path opens
    # No credit wording for a path that carries none.
    page = client.get(free.url).content.decode()
    assert "You completed this path on" in page and "claimed" not in page
    dashboard = client.get("/me/").content.decode()
    assert "No credit: this path carries none" in dashboard
    guide = client.get(progress.path_steps(free)[0].guide.url).content.decode()
    assert "which you completed on" in guide and "your certificate" not in guide


def _evaluated(learner, path):
    _up_to_the_evaluation(learner, path)
    services.submit_evaluation(learner, path, evaluation_answers(path))


def test_a_path_with_credit_is_still_completed_by_its_claim(learner, orientation):
    free, accredited = orientation
    _evaluated(learner, free)
    _evaluated(learner, accredited)
    assert progress.get_progress(learner, free).completed
    assert not progress.get_progress(learner, accredited).completed


def test_learners_already_stuck_are_completed_by_the_migration(learner, orientation):
    free, accredited = orientation
    _evaluated(learner, free)
    _evaluated(learner, accredited)
    # As before this change: evaluated, never completed.
    Enrolment.objects.filter(path=free).update(completed_at=None)

    migration = importlib.import_module(
        "learning.migrations.0015_complete_evaluated_paths_without_credit"
    )
    migration.complete(apps, None)

    free_enrolment = Enrolment.objects.get(path=free)
    evaluated = EvaluationResponse.objects.get(enrolment=free_enrolment).submitted_at
    assert free_enrolment.completed_at == evaluated
    assert Enrolment.objects.get(path=accredited).completed_at is None  # still to claim
