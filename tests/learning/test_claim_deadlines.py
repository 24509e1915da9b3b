"""Claim deadlines and extensions: a learner may claim until ``claim_window_days``
after they submitted the evaluation (their time zone) and not after the
termination date; institution staff can let exactly one learner claim later,
with a reason recorded in the path's history. A pause is never lifted.

Time passing is shown by moving the evaluation's date or the termination date
back, not by mocking the clock."""

import datetime

from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry

import pytest

from learning.exceptions import EnrolmentClosed
from learning.journey import services
from learning.journey.extensions import ExtensionError, grant_extension
from learning.models import (
    ClaimExtension,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearningPathPage,
)
from tests.factories import InstitutionFactory, InstitutionStaffFactory

from .test_credit_paused import author_of, let_disclosure_expire, up_to_the_claim

pytestmark = pytest.mark.django_db

EXTENSIONS_URL = "/admin/cme-reports/extensions/"


def learner_today(user):
    return timezone.localtime(timezone.now(), user.learner_profile.zone).date()


def submitted_days_ago(user, path, days):
    EvaluationResponse.objects.filter(enrolment__user=user, enrolment__path=path).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )


def set_window(path, days):
    LearningPathPage.objects.filter(pk=path.pk).update(claim_window_days=days)
    path.refresh_from_db()


def terminate(path):
    # Two days before the server's date: passed in every learner's time zone
    # at any hour (a learner acts through the termination day where they are).
    LearningPathPage.objects.filter(pk=path.pk).update(
        termination_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    path.refresh_from_db()


@pytest.fixture
def staff(path):
    user = InstitutionStaffFactory(username="staff-a")
    path.institution.staff.add(user)
    return user


def claim(client, user, path):
    client.force_login(user)
    return client.post(path.url + "claim/", {"credits": "1", "attested": "on"})


def test_claim_page_states_the_deadline(client, learner, path):
    set_window(path, 30)
    up_to_the_claim(learner, path)
    deadline = learner_today(learner) + datetime.timedelta(days=30)
    client.force_login(learner)
    page = client.get(path.url + "claim/").content.decode()
    assert f"Claim by <strong>{deadline:%-d %B %Y}</strong>" in page


def test_claim_after_the_window_is_refused_with_the_date(client, learner, path):
    set_window(path, 30)
    up_to_the_claim(learner, path)
    submitted_days_ago(learner, path, 31)
    evaluation = EvaluationResponse.objects.get(enrolment__user=learner)
    submitted = timezone.localtime(evaluation.submitted_at, learner.learner_profile.zone).date()
    deadline = submitted + datetime.timedelta(days=30)
    expected = f"The deadline to claim credit for this activity was {deadline:%-d %B %Y}"

    with pytest.raises(EnrolmentClosed, match=expected):
        services.claim_credit(learner, path, "1", True)
    response = claim(client, learner, path)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not CreditClaim.objects.exists()
    # The page says so before the learner tries.
    assert expected in client.get(path.url + "claim/").content.decode()


def test_within_the_window_the_claim_is_accepted(client, learner, path):
    set_window(path, 30)
    up_to_the_claim(learner, path)
    submitted_days_ago(learner, path, 29)
    assert claim(client, learner, path).status_code == 302
    assert CreditClaim.objects.filter(enrolment__user=learner).exists()


def test_extension_lets_exactly_that_learner_claim_after_the_deadline(
    client, learner, other_learner, path, staff
):
    set_window(path, 30)
    for user in (learner, other_learner):
        up_to_the_claim(user, path)
        submitted_days_ago(user, path, 40)
    until = timezone.localdate() + datetime.timedelta(days=7)

    client.force_login(staff)
    response = client.post(
        EXTENSIONS_URL,
        {
            "path": path.pk,
            "learner": "doctor-a",
            "until": until.isoformat(),
            "reason": "Hospitalised during the claim window.",
        },
    )
    assert response.status_code == 302 and response.url == EXTENSIONS_URL
    listing = client.get(EXTENSIONS_URL).content.decode()
    assert "Hospitalised during the claim window." in listing
    assert f"{until:%-d %B %Y}" in listing

    assert claim(client, other_learner, path).status_code == 400
    client.force_login(learner)
    page = client.get(path.url + "claim/").content.decode()
    assert f"you can claim credit until {until:%-d %B %Y}" in page
    assert claim(client, learner, path).status_code == 302
    assert list(CreditClaim.objects.values_list("enrolment__user__username", flat=True)) == [
        "doctor-a"
    ]


def test_extension_lets_that_learner_claim_after_termination(
    client, learner, other_learner, path, staff
):
    for user in (learner, other_learner):
        up_to_the_claim(user, path)
    terminate(path)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    grant_extension(enrolment, timezone.localdate(), "Certificate lost in the move.", staff)

    response = claim(client, other_learner, path)
    assert response.status_code == 400
    assert "no longer accepts credit claims" in response.content.decode()
    assert claim(client, learner, path).status_code == 302
    assert CreditClaim.objects.get().enrolment == enrolment


def test_an_expired_extension_no_longer_helps(client, learner, path, staff):
    up_to_the_claim(learner, path)
    terminate(path)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    extension = grant_extension(enrolment, timezone.localdate(), "One day.", staff)
    ClaimExtension.objects.filter(pk=extension.pk).update(
        until=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert claim(client, learner, path).status_code == 400
    assert not CreditClaim.objects.exists()


def test_extension_never_lifts_a_compliance_pause(client, learner, path, staff):
    up_to_the_claim(learner, path)
    terminate(path)
    let_disclosure_expire(author_of(path))
    enrolment = Enrolment.objects.get(user=learner, path=path)
    grant_extension(enrolment, timezone.localdate(), "Late.", staff)
    response = claim(client, learner, path)
    assert response.status_code == 400
    assert "Credit for this activity is paused" in response.content.decode()
    assert not CreditClaim.objects.exists()


def test_extension_is_logged_in_the_paths_history(client, learner, path, staff, superuser):
    up_to_the_claim(learner, path)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    until = timezone.localdate() + datetime.timedelta(days=3)
    grant_extension(enrolment, until, "Asked by e-mail on Monday.", staff)
    entry = PageLogEntry.objects.get(page=path, action="curbside.claim_extension")
    assert entry.user == staff
    assert f"let doctor-a claim credit until {until:%-d %B %Y}" in entry.message
    client.force_login(superuser)
    history = client.get(reverse("wagtailadmin_pages:history", args=(path.pk,)))
    assert "Reason: Asked by e-mail on Monday." in history.content.decode()


def test_extension_needs_a_reason_and_a_day_not_past(learner, path, staff):
    up_to_the_claim(learner, path)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    with pytest.raises(ExtensionError, match="Give a reason"):
        grant_extension(enrolment, timezone.localdate(), "  ", staff)
    with pytest.raises(ExtensionError, match="today or a later day"):
        grant_extension(enrolment, timezone.localdate() - datetime.timedelta(days=1), "x", staff)
    assert not ClaimExtension.objects.exists()


def test_staff_of_another_institution_cannot_grant(client, learner, path):
    up_to_the_claim(learner, path)
    outsider = InstitutionStaffFactory(username="staff-b")
    InstitutionFactory(name="Birchfield CME Office").staff.add(outsider)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    with pytest.raises(ExtensionError):
        grant_extension(enrolment, timezone.localdate(), "No.", outsider)

    client.force_login(outsider)
    page = client.get(EXTENSIONS_URL)
    assert page.status_code == 200 and path.title not in page.content.decode()
    response = client.post(
        EXTENSIONS_URL,
        {
            "path": path.pk,
            "learner": "doctor-a",
            "until": timezone.localdate().isoformat(),
            "reason": "Trying.",
        },
    )
    assert response.status_code == 404
    assert not ClaimExtension.objects.exists()
    assert not PageLogEntry.objects.filter(action="curbside.claim_extension").exists()


def test_the_form_names_only_learners_waiting_to_claim(client, learner, other_learner, path, staff):
    up_to_the_claim(learner, path)
    services.enrol(other_learner, path)  # has not finished the evaluation
    client.force_login(staff)
    data = {"path": path.pk, "until": timezone.localdate().isoformat(), "reason": "Because."}
    response = client.post(EXTENSIONS_URL, {**data, "learner": "doctor-b"})
    assert response.status_code == 200
    assert "finished this path&#x27;s evaluation without claiming" in response.content.decode()
    assert not ClaimExtension.objects.exists()
    learner.email = "alice@example.org"
    learner.save()
    assert client.post(EXTENSIONS_URL, {**data, "learner": "ALICE@example.org"}).status_code == 302
    assert ClaimExtension.objects.get().enrolment.user == learner
