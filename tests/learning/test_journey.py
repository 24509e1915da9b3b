"""The learner's journey through the real views, from enrolment to a claim."""

import datetime
import decimal

from django.utils import timezone

import pytest

from learning.compliance.guard import judged_as_of
from learning.journey import progress, services
from learning.models import (
    ClaimStatus,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    StepCompletion,
    TestAttempt,
)
from tests.factories import from_step_page

from .conftest import evaluation_post_data, post_test_data, wrong_answers

pytestmark = pytest.mark.django_db


def steps_of(path):
    return [s.guide for s in progress.path_steps(path)]


def test_anonymous_visitor_sees_the_path_and_is_sent_to_log_in(client, path):
    response = client.get(path.url)
    assert response.status_code == 200
    assert "Log in to enrol" in response.content.decode()
    response = client.post(path.url + "enrol/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    for route in ("continue/", "test/", "evaluation/", "claim/"):
        assert client.get(path.url + route)["Location"].startswith("/accounts/login/")
    assert not Enrolment.objects.exists()


def test_full_journey_through_the_views(client, learner, path):
    client.force_login(learner)
    guides = steps_of(path)

    # Enrol (twice: idempotent) and continue to the first step.
    response = client.post(path.url + "enrol/")
    assert response["Location"] == path.url + "continue/"
    client.post(path.url + "enrol/")
    assert Enrolment.objects.filter(user=learner, path=path).count() == 1
    assert client.get(path.url + "continue/")["Location"] == f"{guides[0].url}?path=sepsis"

    # The guide shows "Step 1 of 3" and the button.
    html = client.get(f"{guides[0].url}?path=sepsis").content.decode()
    assert "Step 1 of 3" in html
    assert "Mark complete and continue" in html

    # The post-test is locked until every step is complete.
    assert client.get(path.url + "test/")["Location"] == f"{guides[0].url}?path=sepsis"

    for index, guide in enumerate(guides):
        response = client.post(
            f"{path.url}steps/{guide.pk}/complete/", from_step_page(learner, path, guide.pk)
        )
        expected = f"{guides[index + 1].url}?path=sepsis" if index < 2 else path.url + "test/"
        assert response["Location"] == expected
    page = client.get(path.url).content.decode()
    assert "3 of 3 steps complete" in page
    completion = StepCompletion.objects.get(enrolment__user=learner, guide=guides[0])
    assert completion.guide_revision_id == guides[0].live_revision_id

    # A failed attempt is recorded, then a pass.
    from .conftest import correct_answers

    response = client.post(path.url + "test/", post_test_data(wrong_answers(path)), follow=True)
    assert response.redirect_chain == [(path.url + "test/result/", 302)]
    assert "Not passed this time" in response.content.decode()
    response = client.post(path.url + "test/", post_test_data(correct_answers(path)), follow=True)
    assert "You passed" in response.content.decode()
    attempts = list(TestAttempt.objects.filter(enrolment__user=learner).order_by("number"))
    assert [(a.number, a.passed, a.score) for a in attempts] == [
        (1, False, decimal.Decimal("0.00")),
        (2, True, decimal.Decimal("100.00")),
    ]

    # Evaluation, then the claim completes the path.
    response = client.post(path.url + "evaluation/", evaluation_post_data(path))
    assert response["Location"] == path.url + "claim/"
    response = client.post(path.url + "claim/", {"credits": "1.25", "attested": "on"})
    assert response["Location"] == path.url
    claim = CreditClaim.objects.get(enrolment__user=learner)
    assert claim.credits == decimal.Decimal("1.25")
    assert claim.status == ClaimStatus.APPROVED
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.completed_at is not None

    page = client.get(path.url).content.decode()
    assert "You completed this path" in page and "claimed 1.25 credits" in page
    dashboard = client.get("/me/").content.decode()
    assert "Credits claimed in" in dashboard and "<strong>1.25</strong>" in dashboard
    assert "Recognising sepsis" in dashboard


def test_partial_score_and_multiple_answer_questions(learner, path):
    services.enrol(learner, path)
    for guide in steps_of(path):
        services.complete_step(learner, path, guide.pk)
    from .conftest import correct_answers

    answers = correct_answers(path)
    multi = next(qid for qid, chosen in answers.items() if len(chosen) == 2)
    answers[multi] = [0]  # only one of the two correct choices: wrong
    attempt = services.submit_attempt(learner, path, answers)
    assert attempt.score == decimal.Decimal("66.67")
    assert not attempt.passed  # pass mark 70


def test_resume_where_you_left_off(client, learner, path):
    client.force_login(learner)
    client.post(path.url + "enrol/")
    guides = steps_of(path)
    client.post(
        f"{path.url}steps/{guides[0].pk}/complete/", from_step_page(learner, path, guides[0].pk)
    )
    client.logout()
    client.force_login(learner)
    assert client.get(path.url + "continue/")["Location"] == f"{guides[1].url}?path=sepsis"
    assert "1 of 3 steps complete" in client.get(path.url).content.decode()


def test_prerequisites_are_enforced_with_a_clear_message(client, learner, path):
    from learning.models import PathPrerequisite
    from tests.factories import LearningPathPageFactory

    advanced = LearningPathPageFactory(title="Advanced sepsis", slug="advanced")
    PathPrerequisite.objects.create(page=advanced, required_path=path)
    client.force_login(learner)
    response = client.post(advanced.url + "enrol/", follow=True)
    assert (
        "Complete “Recognising sepsis” before you enrol in this path." in response.content.decode()
    )
    assert not Enrolment.objects.filter(path=advanced).exists()


def test_terminated_path_takes_no_new_enrolments_or_claims_but_keeps_records(
    client, learner, other_learner, path
):
    from .conftest import correct_answers, evaluation_answers

    services.enrol(learner, path)
    for guide in steps_of(path):
        services.complete_step(learner, path, guide.pk)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))

    # Two days ago: passed in every learner's time zone at any hour (a learner
    # acts through the termination day where they are).
    path.termination_date = timezone.localdate() - datetime.timedelta(days=2)
    path.release_date = path.termination_date - datetime.timedelta(days=30)
    # Published while it still ran (today the publish gate would refuse it).
    with judged_as_of(path.termination_date):
        path.save_revision().publish()

    client.force_login(other_learner)
    response = client.post(path.url + "enrol/", follow=True)
    assert "no longer accepts new enrolments" in response.content.decode()
    assert not Enrolment.objects.filter(user=other_learner).exists()

    client.force_login(learner)
    response = client.post(path.url + "claim/", {"credits": "1", "attested": "on"})
    assert response.status_code == 400
    assert "no longer accepts credit claims" in response.content.decode()
    assert not CreditClaim.objects.exists()
    assert StepCompletion.objects.filter(enrolment__user=learner).count() == 3
    assert EvaluationResponse.objects.filter(enrolment__user=learner).exists()


def test_after_approval_policy_leaves_the_claim_awaiting(learner, path):
    from .conftest import correct_answers, evaluation_answers

    path.certificate_policy = "after_approval"
    path.save()
    services.enrol(learner, path)
    for guide in steps_of(path):
        services.complete_step(learner, path, guide.pk)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))
    claim, created = services.claim_credit(learner, path, "1.5", True)
    assert created and claim.status == ClaimStatus.AWAITING_APPROVAL
    assert claim.approved_at is None
    again, created = services.claim_credit(learner, path, "0.5", True)
    assert not created and again.pk == claim.pk and again.credits == decimal.Decimal("1.5")


def test_a_path_restricted_to_members_shows_no_step_bar_on_a_public_guide(client, learner, path):
    from wagtail.models import PageViewRestriction

    guide = steps_of(path)[0]
    PageViewRestriction.objects.create(page=path, restriction_type=PageViewRestriction.LOGIN)
    anonymous = client.get(f"{guide.url}?path=sepsis").content.decode()
    assert "Step 1 of 3" not in anonymous and "Next:" not in anonymous
    client.force_login(learner)
    assert "Step 1 of 3" in client.get(f"{guide.url}?path=sepsis").content.decode()
