"""Reminders that bring learners back (issue #14, item 12): 30 days before a
path stops offering credit (written by a scan, following the learner's own
claim window and extensions) and a certificate ready (written by the PDF
render, once per certificate, never for a revoked one)."""

from django.core import mail
from django.utils import timezone

import pytest

from learning.certificates import issuance
from learning.journey import services
from learning.models import Certificate, ClaimExtension, Enrolment
from learning.reminders import scans
from learning.reminders.kinds import CERTIFICATE_READY, CREDIT_ENDING
from notifications.delivery import deliver_pending
from notifications.services import set_enabled
from tests.factories import UserFactory

from .conftest import complete, correct_answers, evaluation_answers
from .reminder_helpers import CHICAGO, DAY, ends_in, enrol, notes

pytestmark = pytest.mark.django_db


# --- 30 days before a path stops offering credit ----------------------------------------


def test_credit_ending_at_31_30_and_29_days_and_after_a_date_change(maya, sepsis):
    now = timezone.now()
    enrol(maya, sepsis, now - 3 * DAY)
    ends_in(sepsis, now, 31)
    assert scans.scan_credit_ending(now) == 0
    ends_in(sepsis, now, 30)
    assert scans.scan_credit_ending(now) == 1
    (note,) = notes(maya, CREDIT_ENDING)
    last_day = timezone.localtime(now, CHICAGO).date()
    last_day += 30 * DAY
    written = f"{last_day:%A} {last_day.day} {last_day:%B %Y}"
    assert note.subject == f"Credit for \u201cRecognising sepsis\u201d ends on {written}"
    assert "in 30 days: the last day you can claim credit for it is " + written in note.text
    assert "the last day the activity is accredited for credit" in note.text
    assert "1 of 3 steps complete. Still to do: 2 steps" in note.text
    assert note.url == "/paths/sepsis/continue/"
    # The next day (29 days left) and again: nothing new.
    assert scans.scan_credit_ending(now + DAY) == 0
    assert scans.scan_credit_ending(now + DAY) == 0
    # The provider moves the date: a reminder for the new date.
    ends_in(sepsis, now + DAY, 20)
    assert scans.scan_credit_ending(now + DAY) == 1
    assert "in 20 days" in notes(maya, CREDIT_ENDING)[-1].text


def test_credit_ending_first_seen_at_29_days_is_still_sent(maya, sepsis):
    now = timezone.now()
    enrol(maya, sepsis, now)
    ends_in(sepsis, now, 29)
    assert scans.scan_credit_ending(now) == 1


def test_credit_ending_follows_the_learners_claim_window(maya, sepsis):
    now = timezone.now()
    type(sepsis).objects.filter(pk=sepsis.pk).update(claim_window_days=10)
    sepsis.refresh_from_db()
    enrol(maya, sepsis, now, steps_done=3)
    services.submit_attempt(maya, sepsis, correct_answers(sepsis))
    services.submit_evaluation(maya, sepsis, evaluation_answers(sepsis))
    assert scans.scan_credit_ending(now) == 1
    (note,) = notes(maya, CREDIT_ENDING)
    assert "in 10 days" in note.text
    assert "your deadline to claim, counted from the day you completed the evaluation" in (
        note.text
    )
    assert "Next: claim your credit." in note.text
    # An extension past the window is a new last day.
    enrolment = Enrolment.objects.get(user=maya, path=sepsis)
    staff = UserFactory(staff=True)
    ClaimExtension.objects.create(
        enrolment=enrolment,
        until=timezone.localdate() + 25 * DAY,
        reason="Away on leave.",
        granted_by=staff,
    )
    assert scans.scan_credit_ending(now) == 1
    assert "the extension the provider granted you" in notes(maya, CREDIT_ENDING)[-1].text


@pytest.mark.parametrize("case", ["claimed", "no_credit", "opted_out"])
def test_no_credit_ending_reminder_when_it_does_not_apply(maya, sepsis, case):
    now = timezone.now()
    if case == "claimed":
        complete(maya, sepsis)
    else:
        enrol(maya, sepsis, now)
    if case == "no_credit":
        type(sepsis).objects.filter(pk=sepsis.pk).update(max_credits=0)
    if case == "opted_out":
        set_enabled(maya, CREDIT_ENDING.key, False)
    ends_in(sepsis, now, 30)
    assert scans.scan_credit_ending(now) == 0


# --- A certificate ready ------------------------------------------------------------------


def test_certificate_ready_once_and_a_reissue_is_a_new_one(
    maya, sepsis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = complete(maya, sepsis)
    certificate = Certificate.objects.get(claim=claim)
    (note,) = notes(maya, CERTIFICATE_READY)
    assert note.subject == "Your certificate for \u201cRecognising sepsis\u201d is ready"
    assert note.url == f"/me/certificates/{certificate.pk}/pdf/"
    assert "1.25 AMA PRA Category 1 Credits\u2122" in note.text
    assert "/me/transcript/" in note.text
    assert certificate.number in note.text
    assert mail.outbox == []

    # Rendering again (a retried task) writes nothing new.
    issuance.generate_pdf(certificate.pk)
    assert len(notes(maya, CERTIFICATE_READY)) == 1

    staff = UserFactory(staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        new = issuance.reissue(certificate, staff, "Name corrected at the learner's request.")
    first, second = notes(maya, CERTIFICATE_READY)
    assert second.subject == "Your reissued certificate for \u201cRecognising sepsis\u201d is ready"
    assert f"It replaces certificate {certificate.number}" in second.text
    assert new.number in second.text

    deliver_pending()
    assert [m.subject for m in mail.outbox] == [first.subject, second.subject]


def test_no_certificate_notification_for_a_revoked_certificate(
    maya, sepsis, django_capture_on_commit_callbacks
):
    claim = complete(maya, sepsis)  # the render is not run: on_commit not executed
    certificate = Certificate.objects.get(claim=claim)
    issuance.revoke(certificate, UserFactory(staff=True), "Issued in error.")
    issuance.generate_pdf(certificate.pk)
    assert notes(maya, CERTIFICATE_READY) == []
