"""Privacy: certificates kept after an account's deletion are kept for 6 years
from issue, then purged with what is left of the account (purge_expired and
the purge_expired_records command)."""

import datetime

from django.core.management import call_command

import pytest

from learning.certificates import issuance
from learning.models import AccountDeletion, Certificate, CertificateEvent, Enrolment
from learning.privacy.deletion import delete_account
from learning.privacy.purge import purge_expired
from learning.privacy.retention import retain_until

from .privacy_helpers import PASSWORD, User

pytestmark = pytest.mark.django_db


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
