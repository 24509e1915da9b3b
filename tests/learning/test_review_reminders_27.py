"""Review 27: learning reminders, proven by tests that failed before the fix."""

from django.core import mail

import pytest

from learning.certificates import issuance
from learning.models import Certificate
from learning.reminders.kinds import CERTIFICATE_READY
from notifications.delivery import deliver_pending
from notifications.models import EmailStatus
from tests.factories import UserFactory

from .conftest import complete
from .reminder_helpers import notes

pytestmark = pytest.mark.django_db


def test_a_certificate_revoked_before_its_email_went_out_is_not_announced(
    maya, sepsis, django_capture_on_commit_callbacks
):
    """The "ready to download" e-mail was written with the PDF; the provider
    revoked the certificate (issued in error) before the next delivery run,
    which still told the learner it was ready (its link: "revoked")."""
    with django_capture_on_commit_callbacks(execute=True):
        claim = complete(maya, sepsis)
    certificate = Certificate.objects.get(claim=claim)
    (note,) = notes(maya, CERTIFICATE_READY)
    assert note.email_status == EmailStatus.PENDING

    issuance.revoke(certificate, UserFactory(staff=True), "Issued in error.")
    deliver_pending()
    assert [m.subject for m in mail.outbox] == []
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SKIPPED


def test_a_certificate_revoked_after_its_email_went_out_changes_nothing(
    maya, sepsis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = complete(maya, sepsis)
    deliver_pending()
    assert len(mail.outbox) == 1
    issuance.revoke(Certificate.objects.get(claim=claim), UserFactory(staff=True), "Error.")
    (note,) = notes(maya, CERTIFICATE_READY)
    assert note.email_status == EmailStatus.SENT
