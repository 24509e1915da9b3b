"""A live credit path that falls out of compliance stops taking new enrolments
and credit claims at once (not when the daily check next runs), tells learners
why in plain words, and keeps every learner's progress; put right, it resumes.

Time passing is shown by moving a record's date back (a disclosure signed a
year and a day ago is what "a year later" looks like), not by mocking the clock.
"""

import datetime

from django.utils import timezone

import pytest

from cms.disclosures import record_disclosure
from cms.models import GuideAuthor, Mentor
from cms.models.disclosures import Disclosure
from learning.compliance.availability import credit_available
from learning.exceptions import EnrolmentClosed
from learning.journey import progress, services
from learning.models import (
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearningPathPage,
    PathComplianceCheck,
    StepCompletion,
    TestAttempt,
)
from tests.factories import LearnerFactory, LearningPathPageFactory, from_step_page

from .conftest import correct_answers, evaluation_answers, evaluation_post_data, post_test_data

pytestmark = pytest.mark.django_db

PAUSED_FOR_DISCLOSURE = (
    "Credit for this activity is paused while the provider renews a faculty or planner "
    "disclosure of financial relationships."
)
PROGRESS_KEPT = "Your progress is saved; you can claim as soon as it is available again."


def today():
    return timezone.localdate()


def author_of(path) -> Mentor:
    guide_id = progress.path_steps(path)[0].guide_id
    return GuideAuthor.objects.filter(page_id=guide_id).get().mentor


def let_disclosure_expire(person: Mentor) -> None:
    """A year and a day pass since ``person`` last signed."""
    Disclosure.objects.filter(person=person).update(given_on=today() - datetime.timedelta(days=366))


def renew_disclosure(person: Mentor) -> None:
    record_disclosure(
        person, relationships=[], none_to_disclose=True, signed_name=person.name, given_on=today()
    )


def review_long_ago(path) -> None:
    """The path's last review is more than 3 years old while its termination
    date is still ahead: data from before the termination rule (the editor now
    refuses it, so the row is written directly)."""
    reviewed = today() - datetime.timedelta(days=3 * 365 + 60)
    type(path).objects.filter(pk=path.pk).update(
        release_date=reviewed,
        last_reviewed=reviewed,
        termination_date=today() + datetime.timedelta(days=10),
    )
    path.refresh_from_db()


def up_to_the_claim(learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))


def test_expired_author_disclosure_stops_claims_and_keeps_progress(client, learner, path):
    up_to_the_claim(learner, path)
    assert credit_available(path)
    let_disclosure_expire(author_of(path))
    # No daily check has run: the claim is refused at the moment of the action.
    assert not PathComplianceCheck.objects.exists()

    client.force_login(learner)
    page = client.get(path.url + "claim/").content.decode()
    assert PAUSED_FOR_DISCLOSURE in page and PROGRESS_KEPT in page
    assert "Claim credit and complete the path" not in page  # no form to fill in vain

    response = client.post(path.url + "claim/", {"credits": "1", "attested": "on"})
    assert response.status_code == 400
    assert PAUSED_FOR_DISCLOSURE in response.content.decode()
    assert not CreditClaim.objects.exists()
    # The editor's wording ("A new disclosure is needed", names) is not shown to learners.
    assert "A new disclosure is needed" not in response.content.decode()

    # Nothing was lost: steps, the passed post-test and the evaluation remain.
    enrolment = Enrolment.objects.get(user=learner, path=path)
    assert StepCompletion.objects.filter(enrolment=enrolment).count() == 3
    assert TestAttempt.objects.filter(enrolment=enrolment, passed=True).exists()
    assert EvaluationResponse.objects.filter(enrolment=enrolment).exists()
    page = client.get(path.url).content.decode()
    assert "3 of 3 steps complete" in page
    assert PAUSED_FOR_DISCLOSURE in page and PROGRESS_KEPT in page


def test_enrolled_learner_keeps_reading_and_taking_the_test_while_paused(client, learner, path):
    services.enrol(learner, path)
    let_disclosure_expire(author_of(path))
    client.force_login(learner)
    for step in progress.path_steps(path):
        client.post(
            f"{path.url}steps/{step.guide_id}/complete/",
            from_step_page(learner, path, step.guide_id),
        )
    assert StepCompletion.objects.filter(enrolment__user=learner).count() == 3
    response = client.post(path.url + "test/", post_test_data(correct_answers(path)), follow=True)
    assert "You passed" in response.content.decode()
    response = client.post(path.url + "evaluation/", evaluation_post_data(path))
    assert response["Location"] == path.url + "claim/"
    assert PAUSED_FOR_DISCLOSURE in client.get(path.url + "claim/").content.decode()
    assert not CreditClaim.objects.exists()


def test_new_enrolment_is_refused_with_the_reason(client, path):
    let_disclosure_expire(author_of(path))
    newcomer = LearnerFactory()
    client.force_login(newcomer)
    page = client.get(path.url).content.decode()
    assert "takes no new enrolments for now" in page
    response = client.post(path.url + "enrol/", follow=True)
    html = response.content.decode()
    assert "takes no new enrolments for now" in html
    assert "renews a faculty or planner disclosure" in html
    assert not Enrolment.objects.filter(user=newcomer).exists()


def test_renewed_disclosure_makes_the_path_available_again(client, learner, path):
    up_to_the_claim(learner, path)
    author = author_of(path)
    let_disclosure_expire(author)
    with pytest.raises(EnrolmentClosed):
        services.claim_credit(learner, path, "1.5", True)

    renew_disclosure(author)

    assert credit_available(path)
    client.force_login(learner)
    assert PAUSED_FOR_DISCLOSURE not in client.get(path.url).content.decode()
    response = client.post(path.url + "claim/", {"credits": "1.5", "attested": "on"})
    assert response.status_code == 302
    assert CreditClaim.objects.get(enrolment__user=learner).credits == 1.5
    newcomer = LearnerFactory()
    _, created = services.enrol(newcomer, path)
    assert created


def test_an_expired_planner_disclosure_pauses_credit_too(path):
    planner = path.contributors.get().person
    let_disclosure_expire(planner)
    availability = credit_available(path)
    assert not availability
    assert "renews a faculty or planner disclosure" in availability.claim_message
    assert any(planner.display_name in problem for problem in availability.problems)


def test_review_older_than_three_years_pauses_credit(learner, path):
    up_to_the_claim(learner, path)
    review_long_ago(path)

    availability = credit_available(path)
    assert not availability
    assert "scheduled review of the content" in availability.claim_message
    with pytest.raises(EnrolmentClosed, match="scheduled review"):
        services.claim_credit(learner, path, "1", True)
    with pytest.raises(EnrolmentClosed, match="takes no new enrolments"):
        services.enrol(LearnerFactory(), path)
    assert not CreditClaim.objects.exists()


def test_termination_date_passed_makes_the_path_unavailable(client, learner, path):
    up_to_the_claim(learner, path)
    # Time passes: the termination date set when it was still ahead is now
    # two days ago (the gate would refuse to publish a path already
    # terminated): passed in every learner's time zone at any hour.
    LearningPathPage.objects.filter(pk=path.pk).update(
        termination_date=today() - datetime.timedelta(days=2)
    )
    path.refresh_from_db()

    availability = credit_available(path)
    assert not availability and availability.ended_on == path.termination_date
    with pytest.raises(EnrolmentClosed, match="no longer accepts credit claims"):
        services.claim_credit(learner, path, "1", True)
    client.force_login(learner)
    assert "no longer accepts credit claims" in client.get(path.url + "claim/").content.decode()


def test_unpublished_step_guide_pauses_credit(learner, path):
    up_to_the_claim(learner, path)
    progress.path_steps(path)[1].guide.unpublish()
    availability = credit_available(path)
    assert not availability
    assert "one of its steps is being updated" in availability.claim_message
    with pytest.raises(EnrolmentClosed):
        services.claim_credit(learner, path, "1", True)


def test_paths_without_credit_are_never_affected(client, learner):
    free = LearningPathPageFactory(slug="free", max_credits=0, steps=2)
    let_disclosure_expire(author_of(free))
    review_long_ago(free)
    assert credit_available(free)
    services.enrol(learner, free)
    for step in progress.path_steps(free):
        services.complete_step(learner, free, step.guide_id)
    client.force_login(learner)
    page = client.get(free.url).content.decode()
    assert "Credit paused" not in page and "2 of 2 steps complete" in page


def test_a_completed_learner_is_not_told_to_wait(client, learner, path):
    up_to_the_claim(learner, path)
    services.claim_credit(learner, path, "1.5", True)
    let_disclosure_expire(author_of(path))
    client.force_login(learner)
    page = client.get(path.url).content.decode()
    assert "You completed this path" in page
    assert "Credit paused" not in page


def test_paused_path_page_reads_a_constant_number_of_queries(client, learner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for steps in (3, 30):
        paused = LearningPathPageFactory(slug=f"paused-{steps}", steps=steps)
        services.enrol(learner, paused)
        let_disclosure_expire(author_of(paused))
        client.force_login(learner)
        client.get(paused.url)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(paused.url).content.decode()
        assert PAUSED_FOR_DISCLOSURE in page
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
