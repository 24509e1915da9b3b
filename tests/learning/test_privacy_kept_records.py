"""Privacy: the records that hang from a kept enrolment or certificate (claim
extensions, MOC points, rows reported to PARS) at an account's deletion and at
the purge after retention (learning/privacy/kept.py), and in the export."""

import datetime
import io
import json

from django.core.management import CommandError, call_command
from django.db.models import PROTECT
from django.utils import timezone

from wagtail.models import PageLogEntry

import pytest
from openpyxl import load_workbook

from learning.journey import services
from learning.journey.extensions import EXTENSION_ACTION, grant_extension
from learning.models import (
    AccountDeletion,
    Certificate,
    CertificateMoc,
    ClaimExtension,
    CreditClaim,
    Enrolment,
    ReportBatch,
    ReportedCompletion,
)
from learning.privacy import purge as purge_module
from learning.privacy.deletion import delete_account
from learning.privacy.kept import REMOVED_REASON
from learning.privacy.purge import purge_expired
from learning.privacy.retention import retain_until
from learning.reporting.batches import create_batch
from learning.reporting.excel import learners_xlsx

from .conftest import complete
from .privacy_helpers import PASSWORD
from .report_fixtures import VALID_NPI, add_moc, certify, reporting_institution, reporting_path
from .report_fixtures import learner as reporting_learner

pytestmark = pytest.mark.django_db

REASON = "Was on sick leave after surgery in March"


def _extend(learner, path, superuser):
    services.enrol(learner, path)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    until = timezone.localdate() + datetime.timedelta(days=30)
    return grant_extension(enrolment, until, REASON, superuser)


def _history():
    return PageLogEntry.objects.filter(action=EXTENSION_ACTION)


def test_a_learner_granted_an_extension_can_delete_their_account(client, learner, path, superuser):
    extension = _extend(learner, path, superuser)
    assert learner.username in json.dumps(_history().get().data)
    client.force_login(learner)

    response = client.post("/me/privacy/delete/", {"confirmation": PASSWORD})

    assert response.status_code == 302
    assert AccountDeletion.objects.filter(user__isnull=True).count() == 1
    assert not ClaimExtension.objects.filter(pk=extension.pk).exists()
    # The path's history keeps that an extension was granted, not to whom or why.
    left = json.dumps(_history().get().data)
    assert learner.username not in left and "sick leave" not in left


def test_a_kept_claims_extension_stays_without_its_reason(
    learner, path, superuser, django_capture_on_commit_callbacks
):
    extension = _extend(learner, path, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    assert Certificate.objects.filter(user=learner).exists()

    delete_account(learner, PASSWORD)

    extension.refresh_from_db()
    assert extension.reason == REMOVED_REASON
    assert extension.until > timezone.localdate()
    assert "sick leave" not in json.dumps(_history().get().data)


@pytest.fixture
def reported(django_capture_on_commit_callbacks):
    """A learner certified, given MOC points and reported to PARS (CME and
    ABIM), by an institution's staff."""
    institution, staff = reporting_institution()
    path = reporting_path(institution)
    user = reporting_learner("maya")
    certificate = certify(user, path)
    add_moc(certificate)
    create_batch(institution, "CME", staff)
    create_batch(institution, "ABIM", staff)
    return user, certificate


def test_deletion_blanks_the_identifiers_sent_to_pars_and_keeps_what_was_reported(reported):
    user, certificate = reported
    delete_account(user, PASSWORD)

    rows = list(ReportedCompletion.objects.filter(certificate=certificate))
    assert len(rows) == 2
    for row in rows:
        data = json.dumps(row.data)
        for identifier in (VALID_NPI, "A123456", "123456", "04/09", "0409"):
            assert identifier not in data
        # What was reported stays: the certificate, its credits, the name printed.
        assert row.data["credits"] == "1.25" and row.data["last_name"] == "Chen"
    assert CertificateMoc.objects.get(certificate=certificate).board_id == ""
    # The batch's file, built again, has the row without the identifiers.
    batch = ReportBatch.objects.get(body="CME")
    sheet = load_workbook(io.BytesIO(learners_xlsx(batch))).active
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert "Chen" in values
    assert VALID_NPI not in values and "A123456" not in values


def test_the_purge_removes_moc_points_and_reported_rows_with_the_certificate(reported):
    user, certificate = reported
    delete_account(user, PASSWORD)

    result = purge_expired(today=retain_until(certificate.issued_at) + datetime.timedelta(days=1))

    assert (result.certificates, result.accounts, result.failed) == (1, 1, [])
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    assert not CertificateMoc.objects.exists()
    assert not ReportedCompletion.objects.exists()
    # The batches themselves stay: the institution's record of what it sent.
    assert ReportBatch.objects.count() == 2


def test_the_purge_removes_a_kept_claims_extension(
    learner, path, superuser, django_capture_on_commit_callbacks
):
    _extend(learner, path, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    issued = Certificate.objects.get(user=learner).issued_at
    delete_account(learner, PASSWORD)

    result = purge_expired(today=retain_until(issued) + datetime.timedelta(days=1))

    assert (result.accounts, result.failed) == (1, [])
    assert not ClaimExtension.objects.exists()


def test_one_account_that_cannot_be_purged_does_not_stop_the_others(
    learner, other_learner, path, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
        complete(other_learner, path)
    issued = max(c.issued_at for c in Certificate.objects.all())
    delete_account(learner, PASSWORD)
    delete_account(other_learner, PASSWORD)
    first = AccountDeletion.objects.get(user=learner)
    # A stand-in for a record the purge does not know yet (a new PROTECT
    # relation): the first account's purge fails as it would then.
    real = purge_module._purge_account

    def failing(deletion, today, dry_run):
        if deletion.pk == first.pk:
            real(deletion, today, dry_run)
            raise RuntimeError("a record the purge does not know")
        return real(deletion, today, dry_run)

    monkeypatch.setattr(purge_module, "_purge_account", failing)
    day = str(retain_until(issued) + datetime.timedelta(days=1))

    with pytest.raises(CommandError, match=f"AccountDeletion {first.pk}"):
        call_command("purge_expired_records", today=day)

    # The failing account is left whole (its transaction rolled back) ...
    assert Certificate.objects.filter(user=learner).count() == 1
    # ... and the other one was purged.
    assert not Certificate.objects.filter(user_id=other_learner.pk).exists()
    assert AccountDeletion.objects.get(pk=first.pk).purged_at is None


def test_every_protected_record_under_a_kept_certificate_is_handled():
    """A new model pointing at an enrolment, claim or certificate with
    PROTECT would stop deletion or the purge: it must be added to
    learning/privacy (deletion.py, kept.py, purge.py) and to this list."""
    handled = {
        ("ClaimExtension", "enrolment"),
        ("StepCompletion", "enrolment"),
        ("TestAttempt", "enrolment"),
        ("EvaluationResponse", "enrolment"),
        ("CreditClaim", "enrolment"),
        ("Certificate", "claim"),
        ("Certificate", "supersedes"),
        ("CertificateEvent", "certificate"),
        ("CertificateMoc", "certificate"),
        ("ReportedCompletion", "certificate"),
    }
    protected = {
        (relation.related_model.__name__, relation.field.name)
        for model in (Enrolment, CreditClaim, Certificate)
        for relation in model._meta.related_objects
        if relation.on_delete is PROTECT
    }
    assert protected <= handled, protected - handled


def test_the_export_has_moc_points_what_was_reported_and_extensions(client, reported, superuser):
    user, certificate = reported
    enrolment = Enrolment.objects.get(user=user)
    ClaimExtension.objects.create(
        enrolment=enrolment, until=datetime.date(2026, 4, 30), reason=REASON, granted_by=superuser
    )
    client.force_login(user)

    exported = json.loads(client.get("/me/privacy/export.json").content)

    [printed] = exported["certificates"]
    assert printed["moc_points"] == [
        {"board": "ABIM", "credit_type": "ABIM:MK", "points": "1.25", "board_id": "123456"}
    ]
    reported_to = {(r["to"], r["action"]) for r in printed["reported"]}
    assert reported_to == {("ACCME PARS: CME credit", "add"), ("ABIM MOC through PARS", "add")}
    cme = next(r for r in printed["reported"] if r["to"].startswith("ACCME"))
    assert cme["values"]["identifiers"][0] == {"domain": "NPI", "value": VALID_NPI}
    assert exported["claim_extensions"] == [
        {
            "enrolment": enrolment.pk,
            "path": {"title": "Recognising sepsis", "slug": "sepsis"},
            "until": "2026-04-30",
            "reason": REASON,
            "granted_at": exported["claim_extensions"][0]["granted_at"],
        }
    ]
