"""Privacy: a learner sees what we hold, downloads all of it as JSON (and
nothing of anyone else's, no secrets), and deletes their account: issued
certificates are kept for 6 years and still verify, the rest is removed."""

import datetime
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command

import pytest
from allauth.account.models import EmailAddress

from learning.boards import ConsentScope
from learning.certificates import issuance
from learning.journey import progress, services
from learning.models import (
    AccountDeletion,
    BoardCertification,
    Certificate,
    CertificateEvent,
    CertificatePolicy,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    StateLicence,
    StepCompletion,
    TestAttempt,
)
from learning.privacy.deletion import DeletionRefused, delete_account
from learning.privacy.plan import deletion_refusal, plan_deletion
from learning.privacy.purge import purge_expired
from learning.privacy.retention import retain_until
from learning.reporting.batches import preview
from learning.reporting.consent import set_consent
from learning.reports.services import path_summaries
from tests.factories import (
    LearnerProfileFactory,
    LearningPathPageFactory,
    ReviewerFactory,
    UserFactory,
)

from .conftest import complete

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
User = get_user_model()


@pytest.fixture
def certified(learner, path, django_capture_on_commit_callbacks):
    """``learner`` with an NPI, a licence, a board ID and consents, a verified
    e-mail address, one certificate, one path in progress and one claim
    awaiting approval."""
    profile = learner.learner_profile
    profile.npi = "1234567893"
    profile.birth_month, profile.birth_day = 4, 12
    profile.save()
    StateLicence.objects.create(profile=profile, state="OH", number="35.123456")
    BoardCertification.objects.create(profile=profile, board="ABIM", board_id="778778")
    set_consent(profile, ConsentScope.PARS, given=True)
    set_consent(profile, ConsentScope.BOARD, "ABIM", given=True)
    # The factory recorded the confirmed address (curbside.security.confirm_email).
    assert EmailAddress.objects.filter(user=learner, verified=True, primary=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    in_progress = LearningPathPageFactory(title="Breaking bad news", slug="bad-news", steps=2)
    services.enrol(learner, in_progress)
    services.complete_step(learner, in_progress, progress.path_steps(in_progress)[0].guide_id)
    awaiting = LearningPathPageFactory(
        title="Negotiating a contract",
        slug="contract",
        steps=1,
        certificate_policy=CertificatePolicy.AFTER_APPROVAL,
    )
    complete(learner, awaiting)
    return Certificate.objects.get(user=learner)


@pytest.fixture
def others_certificate(other_learner, path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complete(other_learner, path)
    return Certificate.objects.get(user=other_learner)


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


# --- Access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/me/privacy/"),
        ("get", "/me/privacy/export.json"),
        ("get", "/me/privacy/delete/"),
        ("post", "/me/privacy/delete/"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_dashboard_links_to_the_privacy_page(client, learner):
    client.force_login(learner)
    assert 'href="/me/privacy/"' in client.get("/me/").content.decode()


def test_privacy_page_says_what_is_held_and_which_is_kept_or_deleted(client, learner, certified):
    client.force_login(learner)
    response = client.get("/me/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "What we hold about you",
        "Alice Able, MD",
        "3 enrolments",
        "We keep (and why)",
        "We delete",
        "ACCME",
        "1 issued certificate",
        'href="/me/privacy/export.json"',
        'href="/me/privacy/delete/"',
    ]:
        assert expected in html, expected


# --- Export ---------------------------------------------------------------------------


def test_export_is_a_complete_versioned_json_attachment(client, learner, certified):
    client.force_login(learner)
    response = client.get("/me/privacy/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="curbside-data-doctor-a-')
    assert disposition.endswith('.json"')
    assert "no-store" in response.get("Cache-Control", "") or "no-cache" in response.get(
        "Cache-Control", ""
    )
    data = json.loads(response.content)
    assert data["format"] == "curbside-personal-data" and data["version"] == 1
    assert data["exported_at"]
    assert data["account"]["username"] == "doctor-a"
    assert data["account"]["email"] == learner.email
    assert data["email_addresses"] == [{"email": learner.email, "verified": True, "primary": True}]
    profile = data["profile"]
    assert profile["full_name"] == "Alice Able"
    assert (profile["first_name"], profile["last_name"]) == ("Alice", "Able")
    assert profile["npi"] == "1234567893"
    assert (profile["birth_month"], profile["birth_day"]) == (4, 12)
    assert profile["state_licences"][0] | {"added_at": None} == {
        "state": "OH",
        "number": "35.123456",
        "added_at": None,
    }
    assert [(b["board"], b["board_id"]) for b in profile["certifying_boards"]] == [
        ("ABIM", "778778")
    ]
    consents = {(c["scope"], c["body"]): c for c in profile["reporting_consents"]}
    assert set(consents) == {("pars", ""), ("board", "ABIM")}
    assert all(c["given_at"] and c["withdrawn_at"] is None for c in consents.values())
    assert {e["path"]["slug"] for e in data["enrolments"]} == {"sepsis", "bad-news", "contract"}
    assert len(data["step_completions"]) == 3 + 1 + 1
    attempts = data["test_attempts"]
    assert len(attempts) == 2 and all(a["passed"] and a["answers"] for a in attempts)
    assert len(data["evaluation_responses"]) == 2
    assert data["evaluation_responses"][0]["answers"]
    assert {c["status"] for c in data["credit_claims"]} == {"approved", "awaiting_approval"}
    [certificate] = data["certificates"]
    assert certificate["number"] == certified.number
    assert certificate["verification_code"] == certified.verification_code
    assert certificate["printed_name"] == "Alice Able, MD"
    assert certificate["credits"] == "1.25"
    assert [e["action"] for e in certificate["events"]][0] == "issued"
    assert certificate["kept_after_account_deletion_until"] == str(
        retain_until(certified.issued_at)
    )
    assert data["security"]["password_set"] is True


def test_export_holds_no_secrets_and_nothing_of_another_learner(
    client, learner, other_learner, certified, others_certificate
):
    other_learner.learner_profile.npi = "1245319599"
    other_learner.learner_profile.save()
    client.force_login(learner)
    session_key = client.session.session_key
    # Any attempt to pick another user is ignored: it is always your own data.
    response = client.get(f"/me/privacy/export.json?user={other_learner.pk}&username=doctor-b")
    text = response.content.decode()
    learner.refresh_from_db()
    for secret in [learner.password, PASSWORD, session_key, "password_hash", "sessionid"]:
        assert secret not in text
    for others in [
        "doctor-b",
        "Bob Baker",
        other_learner.email,
        "1245319599",
        others_certificate.number,
        others_certificate.verification_code,
    ]:
        assert others not in text
    assert json.loads(text)["account"]["username"] == "doctor-a"


def test_export_lists_second_factors_without_their_secrets(client, learner):
    if not apps.is_installed("allauth.mfa"):
        pytest.skip("allauth.mfa is not installed")
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=learner, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    client.force_login(learner)
    text = client.get("/me/privacy/export.json").content.decode()
    assert "JBSWY3DPEHPK3PXP" not in text
    [factor] = json.loads(text)["security"]["authenticators"]
    assert factor["type"] == "totp" and factor["created_at"]


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


def test_export_of_a_new_account_is_valid_and_nearly_empty(client, doctor):
    client.force_login(doctor)
    data = json.loads(client.get("/me/privacy/export.json").content)
    assert data["profile"] is None
    assert data["enrolments"] == data["certificates"] == data["test_attempts"] == []


def test_export_only_answers_get(client, learner):
    client.force_login(learner)
    assert client.post("/me/privacy/export.json").status_code == 405


def test_every_relation_to_the_user_is_exported_or_deliberately_left_out():
    """A new model pointing at users must be classified here (and in
    learning.privacy.export): exported, or not a learner's personal data."""
    exported = {
        "learning.LearnerProfile",
        "learning.Enrolment",
        "learning.Certificate",
        "learning.ExternalCredit",
        "learning.LicenceCycle",
        "account.EmailAddress",
        "wagtailusers.UserProfile",
        "mfa.Authenticator",
        "socialaccount.SocialAccount",
        "usersessions.UserSession",
        "notifications.Notification",
        "notifications.NotificationSetting",
        "mentoring.MenteeProfile",
        "mentoring.MentorOffer",
        "mentoring.Participation",
        "mentoring.MatchRequest",
        # The mentoring relationship space (cms.personal_data section
        # "mentoring_space"; the pair's rows and the person's own words).
        "mentoring.Relationship",
        "mentoring.Agreement",
        "mentoring.Goal",
        "mentoring.CheckIn",
        "mentoring.Session",
        "mentoring.SessionNote",
        "mentoring.ExitSurvey",
        "mentoring.RematchRequest",
        # Curbside consults: the mentoring_consults section (cms.personal_data).
        "mentoring.Question",
        "mentoring.Answer",
        "mentoring.Report",
    }
    not_a_learners = {
        # Editorial and admin work: accounts doing it cannot self-delete.
        "cms.Institution",
        "cms.Mentor",
        # Standard 3 records entered by the person or CME staff: kept for the
        # accreditor; the link to the account is set to null on deletion.
        "cms.Disclosure",
        "cms.RelevanceDecision",
        "cms.OwnerEmployeeException",
        "wagtaildocs.Document",
        "wagtailimages.Image",
        "wagtailadmin.EditingSession",
        "wagtailadmin.FormState",
        "wagtailcore.APIToken",
        "wagtailcore.Revision",
        "wagtailcore.UploadedFile",
        "wagtailcore.WorkflowState",
        "wagtailcore.TaskState",
        "wagtailcore.Page",
        "wagtailcore.Comment",
        "wagtailcore.CommentReply",
        "wagtailcore.PageSubscription",
        "wagtailcore.ModelLogEntry",
        "wagtailcore.PageLogEntry",
        "admin.LogEntry",
        # Staff acting on someone's certificate or claim.
        "learning.CertificateEvent",
        "learning.CreditClaim",
        # Staff creating a report batch or granting a claim extension.
        "learning.ReportBatch",
        "learning.ClaimExtension",
        # The deletion record itself (no personal data).
        "learning.AccountDeletion",
        # Permissions and groups (not personal data), sign-in codes, task results.
        "auth.Group",
        "auth.Permission",
        "auth.User_groups",
        "auth.User_user_permissions",
        "cms.Institution_staff",
        "mfa.RecoveryCodes",
        "socialaccount.SocialToken",
        "django_tasks_database.DBTaskResult",
    }
    related = {
        rel.related_model._meta.label
        for rel in User._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and not rel.concrete
    }
    unclassified = related - exported - not_a_learners
    assert not unclassified, (
        f"Classify these in learning.privacy.export and this test: {unclassified}"
    )


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


# --- Retention ------------------------------------------------------------------------


def test_retention_is_six_years_from_issue():
    issued = datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC)
    assert retain_until(issued) == datetime.date(2030, 2, 28)
    issued = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    assert retain_until(issued) == datetime.date(2031, 6, 1)


def test_purge_removes_kept_certificates_only_after_six_years(
    client, learner, certified, superuser, others_certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        replacement = issuance.reissue(certified, superuser, "Corrected the name")
    delete_account(learner, PASSWORD)
    deletion = AccountDeletion.objects.get()
    last_day = retain_until(replacement.issued_at)
    assert deletion.retain_until == last_day

    assert purge_expired(today=last_day).certificates == 0
    assert Certificate.objects.filter(user_id=learner.pk).count() == 2
    dry = purge_expired(today=last_day + datetime.timedelta(days=1), dry_run=True)
    assert (dry.certificates, dry.accounts) == (2, 1)
    assert Certificate.objects.filter(user_id=learner.pk).count() == 2

    pdf = Certificate.objects.get(pk=certified.pk).pdf
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_expired_records", today=str(last_day + datetime.timedelta(days=1)))
    assert not Certificate.objects.filter(pk__in=[certified.pk, replacement.pk]).exists()
    assert not CertificateEvent.objects.filter(certificate_id=certified.pk).exists()
    assert not pdf.storage.exists(pdf.name)
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not Enrolment.objects.filter(user_id=learner.pk).exists()
    deletion.refresh_from_db()
    assert deletion.user is None and deletion.purged_at is not None
    assert client.get(f"/certificates/verify/{certified.verification_code}/").status_code == 404
    # Other learners' certificates are never touched.
    assert Certificate.objects.filter(pk=others_certificate.pk).exists()


def test_purge_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("purge_expired_records", today="next tuesday")
