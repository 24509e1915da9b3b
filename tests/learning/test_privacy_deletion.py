"""Privacy: a learner deletes their account. Issued certificates are kept
and still verify, the rest is removed; the wrong password, a rate limit and
staff, mentor or admin roles refuse it, and a failure leaves everything as
it was."""

import datetime

from django.apps import apps
from django.contrib.sessions.models import Session

import pytest
from allauth.account.models import EmailAddress

from learning.certificates import issuance
from learning.journey import progress, services
from learning.models import (
    AccountDeletion,
    Certificate,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    StepCompletion,
    TestAttempt,
)
from learning.privacy.deletion import DeletionRefused, delete_account
from learning.privacy.plan import deletion_refusal, plan_deletion
from learning.privacy.purge import purge_expired
from learning.privacy.retention import retain_until
from learning.reporting.batches import preview
from learning.reports.services import path_summaries
from tests.factories import LearnerProfileFactory, ReviewerFactory, UserFactory

from .privacy_helpers import PASSWORD, User

pytestmark = pytest.mark.django_db


def counts(user):
    return {
        "profile": LearnerProfile.objects.filter(user=user).count(),
        "enrolments": Enrolment.objects.filter(user=user).count(),
        "completions": StepCompletion.objects.filter(enrolment__user=user).count(),
        "attempts": TestAttempt.objects.filter(enrolment__user=user).count(),
        "evaluations": EvaluationResponse.objects.filter(enrolment__user=user).count(),
        "claims": CreditClaim.objects.filter(enrolment__user=user).count(),
        "certificates": Certificate.objects.filter(user=user).count(),
        "emails": EmailAddress.objects.filter(user=user).count(),
    }


def delete(client, confirmation=PASSWORD):
    return client.post("/me/privacy/delete/", {"confirmation": confirmation})


# --- Deletion -------------------------------------------------------------------------


def test_delete_page_summarises_what_is_kept_and_removed(client, learner, certified):
    client.force_login(learner)
    response = client.get("/me/privacy/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert certified.number in html
    assert retain_until(certified.issued_at).strftime("%-d %b %Y") in html
    assert "We keep (and why)" in html and "We delete" in html
    assert 'name="confirmation"' in html and 'type="password"' in html


def test_one_plan_is_shown_carried_out_and_purged(
    client, learner, certified, superuser, django_capture_on_commit_callbacks
):
    """What the page says deletion keeps and removes is what deletion does,
    and what the purge later removes: all three use plan_deletion."""
    with django_capture_on_commit_callbacks(execute=True):
        replacement = issuance.reissue(certified, superuser, "Corrected the name")
    plan = plan_deletion(learner)
    assert (plan.refusal, plan.confirmation_kind) == (None, "password")
    assert [c.pk for c in plan.certificates] == [certified.pk, replacement.pk]
    assert (plan.claims_kept, plan.enrolments_removed, plan.claims_removed) == (1, 2, 1)
    assert plan.retain_until == retain_until(replacement.issued_at)

    client.force_login(learner)
    html = client.get("/me/privacy/delete/").content.decode()
    assert "2 enrolments without a certificate" in html
    assert "1 credit claim without a certificate" in html
    assert plan.retain_until.strftime("%-d %B %Y") in html

    result = delete_account(learner, PASSWORD)
    assert (result.certificates_kept, result.retain_until) == (2, plan.retain_until)
    assert not result.user_removed
    tombstone = User.objects.get(pk=learner.pk)
    kept_enrolments = Enrolment.objects.filter(user=tombstone).values_list("pk", flat=True)
    assert set(kept_enrolments) == plan.kept_enrolment_ids
    kept_claims = CreditClaim.objects.filter(enrolment__user=tombstone).values_list("pk", flat=True)
    assert set(kept_claims) == plan.kept_claim_ids

    after = plan_deletion(tombstone)
    assert after.refusal == "This account is already deleted."
    assert after.kept_claim_ids == plan.kept_claim_ids
    assert after.retain_until == plan.retain_until
    assert after.expired(plan.retain_until) == ()
    last_day = plan.retain_until
    assert purge_expired(today=last_day).certificates == 0
    assert purge_expired(today=last_day + datetime.timedelta(days=1)).certificates == 2
    assert not User.objects.filter(pk=learner.pk).exists()


def test_deletion_keeps_certificates_verifiable_and_removes_the_rest(
    client, learner, certified, others_certificate, other_learner
):
    user_id = learner.pk
    issued_event_ids = set(certified.events.values_list("pk", flat=True))
    others_before = counts(other_learner)
    client.force_login(learner)
    response = delete(client)
    assert response.status_code == 302 and response["Location"] == "/me/privacy/deleted/"
    page = client.get(response["Location"])
    assert "Your account is deleted" in page.content.decode()

    # The certificate, its events and PDF, and the records it needs, are kept.
    certificate = Certificate.objects.get(pk=certified.pk)
    assert certificate.printed_name == "Alice Able, MD"
    assert certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name)
    assert set(certificate.events.values_list("pk", flat=True)) == issued_event_ids
    assert CreditClaim.objects.filter(pk=certified.claim_id).exists()
    verify = client.get(f"/certificates/verify/{certified.verification_code}/")
    assert verify.status_code == 200
    html = verify.content.decode()
    assert "Alice Able, MD" in html and "Valid" in html and certified.number in html

    # Everything else is gone.
    tombstone = User.objects.get(pk=user_id)
    assert counts(tombstone) == {
        "profile": 0,
        "enrolments": 1,  # the one behind the certificate
        "completions": 0,
        "attempts": 0,
        "evaluations": 0,
        "claims": 1,  # the one behind the certificate
        "certificates": 1,
        "emails": 0,
    }
    assert Enrolment.objects.get(user=tombstone).path.slug == "sepsis"
    assert tombstone.username == f"deleted-{user_id}"
    assert (tombstone.email, tombstone.first_name, tombstone.last_name) == ("", "", "")
    assert not tombstone.is_active and not tombstone.has_usable_password()
    assert tombstone.last_login is None
    deletion = AccountDeletion.objects.get()
    assert deletion.user == tombstone and deletion.certificates_kept == 1
    assert deletion.retain_until == retain_until(certified.issued_at)
    assert deletion.retain_until.year == certified.issued_at.year + 6

    # Another learner's records are untouched.
    assert counts(other_learner) == others_before


def test_deleted_learner_is_logged_out_cannot_log_in_or_delete_again(client, learner, certified):
    client.force_login(learner)
    other_session = Session.objects.get(session_key=client.session.session_key)
    second = type(client)()
    second.force_login(learner)  # signed in elsewhere too
    assert delete(client).status_code == 302
    assert not Session.objects.filter(session_key=other_session.session_key).exists()
    assert client.get("/me/")["Location"].startswith("/accounts/login/")
    assert second.get("/me/")["Location"].startswith("/accounts/login/")
    again = delete(client)
    assert again.status_code == 302 and again["Location"].startswith("/accounts/login/")
    assert AccountDeletion.objects.count() == 1
    assert not client.login(username="doctor-a", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "doctor-a", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect to /me/
    assert "_auth_user_id" not in client.session


def test_deletion_without_certificates_removes_the_user_row(client, doctor, path):
    LearnerProfileFactory(user=doctor, full_name="Dee Doctor")
    services.enrol(doctor, path)
    services.complete_step(doctor, path, progress.path_steps(path)[0].guide_id)
    user_id = doctor.pk
    client.force_login(doctor)
    assert delete(client).status_code == 302
    assert not User.objects.filter(pk=user_id).exists()
    assert not Enrolment.objects.filter(user_id=user_id).exists()
    assert not LearnerProfile.objects.filter(user_id=user_id).exists()
    deletion = AccountDeletion.objects.get()
    assert deletion.user is None and deletion.certificates_kept == 0
    assert deletion.retain_until is None


def test_deletion_removes_second_factors_and_admin_preferences(learner, certified):
    from wagtail.users.models import UserProfile

    UserProfile.get_for_user(learner)
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=learner, type=Authenticator.Type.TOTP, data={})
    delete_account(learner, PASSWORD)
    assert not UserProfile.objects.filter(user_id=learner.pk).exists()
    if apps.is_installed("allauth.mfa"):
        assert not Authenticator.objects.filter(user_id=learner.pk).exists()
    assert User.objects.get(pk=learner.pk).groups.count() == 0


@pytest.mark.parametrize(
    "confirmation, message",
    [
        ("wrong-password", "That is not your current password. Nothing was deleted."),
        ("doctor-a", "That is not your current password. Nothing was deleted."),
        ("", "Enter your current password to confirm."),
        ("x" * 5000, "at most 4096 characters"),
    ],
)
def test_wrong_password_explains_and_deletes_nothing(
    client, learner, certified, confirmation, message
):
    before = counts(learner)
    client.force_login(learner)
    response = delete(client, confirmation)
    assert response.status_code == 400
    assert message in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active and learner.username == "doctor-a"
    assert counts(learner) == before
    assert not AccountDeletion.objects.exists()
    assert client.get("/me/").status_code == 200  # still signed in


def test_another_learners_password_does_not_delete_anything(
    client, learner, other_learner, certified
):
    """Deletion acts on the signed-in account only; nothing names another."""
    client.force_login(learner)
    response = client.post(
        "/me/privacy/delete/", {"confirmation": PASSWORD + "x", "user": other_learner.pk}
    )
    assert response.status_code == 400
    assert User.objects.get(pk=other_learner.pk).is_active
    assert User.objects.get(pk=learner.pk).is_active


def test_repeated_wrong_passwords_are_rate_limited(client, learner):
    client.force_login(learner)
    statuses = [delete(client, "nope").status_code for _ in range(7)]
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429
    refused = delete(client, PASSWORD)
    assert "Too many attempts" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60
    assert User.objects.get(pk=learner.pk).is_active


@pytest.mark.parametrize("who", ["staff_user", "superuser", "mentor", "reviewer"])
def test_mentors_staff_and_admins_cannot_delete_themselves(client, request, who, mentor_a):
    user = mentor_a.user if who == "mentor" else request.getfixturevalue(who)
    if who == "reviewer":
        user = ReviewerFactory(username="rev-2")
    client.force_login(user)
    page = client.get("/me/privacy/")
    assert page.status_code == 200
    assert 'href="/me/privacy/delete/"' not in page.content.decode()
    assert "Ask" in page.content.decode() or "another administrator" in page.content.decode()
    response = delete(client)
    assert response.status_code == 403
    assert "Delete my account</button>" not in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and not user.username.startswith("deleted-")
    assert not AccountDeletion.objects.exists()
    # They can still download their data.
    assert client.get("/me/privacy/export.json").status_code == 200


def test_institution_staff_membership_refuses_deletion(learner, path):
    path.institution.staff.add(learner)
    assert "institution" in deletion_refusal(learner)
    with pytest.raises(DeletionRefused):
        delete_account(learner, PASSWORD)


def test_service_is_one_transaction(learner, certified, monkeypatch):
    """A failure half-way leaves everything as it was."""
    before = counts(learner)

    def boom(user):
        raise RuntimeError("storage down")

    monkeypatch.setattr("learning.privacy.deletion._anonymise", boom)
    with pytest.raises(RuntimeError):
        delete_account(learner, PASSWORD)
    assert counts(learner) == before
    assert User.objects.get(pk=learner.pk).is_active


def test_tombstone_username_never_collides(learner, certified):
    UserFactory(username=f"deleted-{learner.pk}")
    delete_account(learner, PASSWORD)
    tombstone = User.objects.get(pk=learner.pk)
    assert tombstone.username.startswith(f"deleted-{learner.pk}-")


def test_staff_reports_still_work_for_a_deleted_learner(client, learner, certified, superuser):
    """The certificate is kept and counted; with the profile (and its consent)
    gone, the learner is no longer reportable, and checking a batch still works."""
    delete_account(learner, PASSWORD)
    [summary] = [r for r in path_summaries(superuser) if r["path"] == certified.path]
    assert summary["physicians"] == 1
    plan = preview(certified.institution, "CME")
    assert certified.number not in str([row.data for row in plan.rows])
