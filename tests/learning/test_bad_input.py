"""Bad input on every journey form: a clear message, a normal page, no change."""

import pytest

from learning.journey import progress, services
from learning.models import CreditClaim, EvaluationResponse, StepCompletion, TestAttempt

from .conftest import correct_answers, evaluation_answers, evaluation_post_data, post_test_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_test(learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)
    return path


@pytest.fixture
def at_claim(learner, at_test):
    services.submit_attempt(learner, at_test, correct_answers(at_test))
    services.submit_evaluation(learner, at_test, evaluation_answers(at_test))
    return at_test


def test_forged_step_id_changes_nothing(client, learner, path):
    from tests.factories import GuidePageFactory

    services.enrol(learner, path)
    outsider = GuidePageFactory(slug="not-a-step")
    client.force_login(learner)
    for guide_id in (outsider.pk, 999999999):
        response = client.post(f"{path.url}steps/{guide_id}/complete/", follow=True)
        assert response.status_code == 200
        assert "That guide is not a step of this path." in response.content.decode()
    assert client.get(f"{path.url}steps/abc/complete/").status_code == 404
    assert client.get(f"{path.url}steps/{outsider.pk}/complete/").status_code == 405
    assert not StepCompletion.objects.exists()


def test_completing_a_step_without_enrolling_is_refused(client, learner, path):
    client.force_login(learner)
    guide = progress.path_steps(path)[0].guide
    response = client.post(f"{path.url}steps/{guide.pk}/complete/", follow=True)
    assert "Enrol in this path first" in response.content.decode()
    assert not StepCompletion.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data, qid: data.update({"q-forged-id": ["0"]}),
        lambda data, qid: data.update({f"q-{qid}": ["nine"]}),
        lambda data, qid: data.update({f"q-{qid}": ["7"]}),
        lambda data, qid: data.update({f"q-{qid}": ["-1"]}),
        lambda data, qid: data.pop(f"q-{qid}"),
    ],
    ids=["forged question", "not a number", "no such choice", "negative", "unanswered"],
)
def test_bad_post_test_answers(client, learner, at_test, mangle):
    client.force_login(learner)
    data = post_test_data(correct_answers(at_test))
    qid = next(iter(correct_answers(at_test)))
    mangle(data, qid)
    response = client.post(at_test.url + "test/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "You passed" not in html
    assert not TestAttempt.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data, q: data.update({"q-forged": "5"}),
        lambda data, q: data.update({f"q-{q['rating']}": "11"}),
        lambda data, q: data.pop(f"q-{q['rating']}"),
        lambda data, q: data.update({f"q-{q['practice_change']}": "maybe"}),
        lambda data, q: data.update({f"q-{q['practice_change']}-how": ""}),
        lambda data, q: data.update({f"q-{q['text']}": "x" * 5000}),
    ],
    ids=[
        "forged",
        "rating out of range",
        "rating missing",
        "bad choice",
        "yes without how",
        "too long",
    ],
)
def test_bad_evaluation_answers(client, learner, at_test, mangle):
    from learning.journey.questions import evaluation_questions

    services.submit_attempt(learner, at_test, correct_answers(at_test))
    client.force_login(learner)
    data = evaluation_post_data(at_test)
    ids = {q.kind: q.id for q in evaluation_questions(at_test)}
    mangle(data, ids)
    response = client.post(at_test.url + "evaluation/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not EvaluationResponse.objects.exists()


@pytest.mark.parametrize(
    ("credits", "attested", "message"),
    [
        ("-1", "on", "Claim more than zero credits."),
        ("0", "on", "Claim more than zero credits."),
        ("1.75", "on", "You can claim at most 1.5 credits"),
        ("1000000000000", "on", "You can claim at most 1.5 credits"),
        ("0.3", "on", "quarter credits"),
        ("abc", "on", "Enter the credits as a number"),
        ("NaN", "on", "Enter the credits as a number"),
        ("1e400", "on", "You can claim at most"),
        ("1", "", "Tick the box to confirm the credit you claim."),
        ("", "on", "This field is required."),
    ],
)
def test_bad_credit_claims(client, learner, at_claim, credits, attested, message):
    client.force_login(learner)
    data = {"credits": credits}
    if attested:
        data["attested"] = attested
    response = client.post(at_claim.url + "claim/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CreditClaim.objects.exists()
    assert learner.enrolments.get().completed_at is None


def test_claim_needs_a_name_for_the_certificate(client, learner, at_claim):
    learner.learner_profile.delete()
    client.force_login(learner)
    page = client.get(at_claim.url + "claim/").content.decode()
    assert "Complete your profile" in page
    response = client.post(at_claim.url + "claim/", {"credits": "1", "attested": "on"})
    assert response.status_code == 400
    assert "Add your name as it should be printed on certificates" in response.content.decode()
    assert not CreditClaim.objects.exists()


def test_stages_cannot_be_skipped(client, learner, path):
    services.enrol(learner, path)
    client.force_login(learner)
    assert client.post(path.url + "test/", {}).status_code == 302
    assert client.post(path.url + "evaluation/", {}).status_code == 302
    assert client.post(path.url + "claim/", {"credits": "1", "attested": "on"}).status_code == 302
    assert not (TestAttempt.objects.exists() or EvaluationResponse.objects.exists())
    assert not CreditClaim.objects.exists()


@pytest.mark.parametrize(
    ("npi", "ok"),
    [
        ("1234567893", True),
        ("1234567890", False),
        ("123", False),
        ("abcdefghij", False),
        ("", True),
    ],
)
def test_profile_npi_is_checked(client, learner, npi, ok):
    client.force_login(learner)
    response = client.post(
        "/me/profile/",
        {"full_name": "Alice Able", "credentials": "MD", "npi": npi, "time_zone": "Europe/London"},
    )
    learner.learner_profile.refresh_from_db()
    if ok:
        assert response.status_code == 302
        assert learner.learner_profile.npi == npi
    else:
        assert response.status_code == 400
        assert "NPI" in response.content.decode()
        assert learner.learner_profile.time_zone == "America/New_York"


def test_profile_rejects_blank_name_and_unknown_time_zone(client, learner):
    client.force_login(learner)
    response = client.post(
        "/me/profile/", {"full_name": "   ", "credentials": "MD", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert learner.learner_profile.full_name == "Alice Able"


def test_unsafe_next_is_ignored(client, learner):
    client.force_login(learner)
    response = client.post(
        "/me/profile/?next=https://evil.example/",
        {"full_name": "Alice Able", "credentials": "MD", "time_zone": "UTC"},
    )
    assert response["Location"] == "/me/"
