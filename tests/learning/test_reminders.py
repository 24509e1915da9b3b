"""Reminders that bring learners back (issue #14, item 12): a week without
opening a path, a certificate ready, 30 days before a path stops offering
credit. Written by scans and by the PDF render, e-mailed by
``send_notifications``, never inside a request; each kind off with one click."""

import datetime
import re
import zoneinfo

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from learning.certificates import issuance
from learning.journey import services
from learning.models import (
    Certificate,
    ClaimExtension,
    Enrolment,
    EvaluationResponse,
    StepCompletion,
    TestAttempt,
)
from learning.reminders import scans
from learning.reminders.kinds import CERTIFICATE_READY, CREDIT_ENDING, INACTIVITY
from notifications.delivery import deliver_pending
from notifications.models import EmailStatus, Notification
from notifications.services import is_enabled, set_enabled
from tests.factories import LearnerFactory, LearningPathPageFactory, UserFactory

from .conftest import complete, correct_answers, evaluation_answers

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def start():
    """When the learners last did something: long enough ago that every
    scan below (start + a few weeks) is still in the past."""
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=60)


def quiet_since(enrolment, moment):
    """Everything the learner did on this path happened at ``moment``."""
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=moment)
    StepCompletion.objects.filter(enrolment=enrolment).update(completed_at=moment)
    TestAttempt.objects.filter(enrolment=enrolment).update(submitted_at=moment)
    EvaluationResponse.objects.filter(enrolment=enrolment).update(submitted_at=moment)


def enrol(user, path, at, steps_done=1):
    enrolment, _ = services.enrol(user, path)
    for step in list(path.steps.order_by("sort_order"))[:steps_done]:
        services.complete_step(user, path, step.guide_id)
    quiet_since(enrolment, at)
    return enrolment


def notes(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind.key).order_by("pk"))


def unsubscribe_path(message):
    link = re.search(r"https?://\S+/notifications/unsubscribe/\S+/", message.body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def maya(db):
    return LearnerFactory(
        username="maya",
        email="maya@example.org",
        first_name="Maya",
        profile__full_name="Maya R. Chen",
        profile__first_name="Maya",
        profile__time_zone="America/Chicago",
    )


@pytest.fixture
def sepsis(db):
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=3)


@pytest.fixture
def contracts(db):
    return LearningPathPageFactory(title="Your first contract", slug="contracts", steps=2)


# --- A week without opening a path -------------------------------------------------------


def test_6_days_23_hours_is_not_quiet_7_days_is(maya, sepsis, start):
    enrol(maya, sepsis, start)
    assert scans.scan_inactivity(start + 7 * DAY - datetime.timedelta(hours=1)) == 0
    assert notes(maya, INACTIVITY) == []

    assert scans.scan_inactivity(start + 7 * DAY) == 1
    (note,) = notes(maya, INACTIVITY)
    assert note.subject == "\u201cRecognising sepsis\u201d is waiting for you"
    assert note.url == "/paths/sepsis/continue/"
    assert "Hello Maya," in note.text
    assert "1 of 3 steps complete" in note.text
    assert "Next: \u201cRecognising sepsis guide 2\u201d (step 2 of 3)." in note.text
    # The date as the learner lives it: in Chicago.
    local = timezone.localtime(start, CHICAGO)
    assert f"you last worked on it on {local:%A} {local.day} {local:%B %Y}." in note.text
    assert mail.outbox == []  # written, not sent: the cron command sends

    deliver_pending()
    (message,) = mail.outbox
    assert message.to == ["maya@example.org"]
    assert "/paths/sepsis/continue/" in message.body
    assert "The link with this message takes you to the next thing to do." in message.body


def test_three_quiet_paths_make_one_email_naming_each_and_not_the_busy_one(
    maya, sepsis, contracts, start
):
    third = LearningPathPageFactory(title="Handover", slug="handover", steps=1)
    busy = LearningPathPageFactory(title="Busy path", slug="busy", steps=2)
    enrol(maya, sepsis, start)
    enrol(maya, contracts, start + DAY, steps_done=2)
    enrol(maya, third, start, steps_done=0)
    enrol(maya, busy, start + 6 * DAY)

    assert scans.scan_inactivity(start + 8 * DAY) == 1
    (note,) = notes(maya, INACTIVITY)
    assert note.subject == "3 of your learning paths are waiting for you"
    for title in ("Recognising sepsis", "Your first contract", "Handover"):
        assert f"\u201c{title}\u201d: you last worked on it on" in note.text
    assert "Busy path" not in note.text
    # All steps of the contracts path are done: the post-test is next.
    assert "2 of 2 steps complete. Still to do: the post-test" in note.text
    assert "Next: the post-test." in note.text
    assert "/paths/handover/continue/" in note.text
    assert note.url == "/me/"  # the dashboard lists them all


def test_at_most_one_a_week_then_again_while_still_quiet(maya, sepsis, start):
    enrol(maya, sepsis, start)
    first = start + 7 * DAY
    assert scans.scan_inactivity(first) == 1
    assert scans.scan_inactivity(first + datetime.timedelta(minutes=10)) == 0  # same day
    assert scans.scan_inactivity(first + DAY) == 0  # next day
    assert scans.scan_inactivity(first + 6 * DAY) == 0
    # Still quiet 7 days after the first reminder: the next one.
    assert scans.scan_inactivity(first + 7 * DAY) == 1
    assert len(notes(maya, INACTIVITY)) == 2


def test_active_again_then_quiet_for_a_week_gets_a_new_one(maya, sepsis, start):
    enrolment = enrol(maya, sepsis, start)
    assert scans.scan_inactivity(start + 7 * DAY) == 1
    # She comes back the next day and completes a step...
    services.complete_step(maya, sepsis, sepsis.steps.order_by("sort_order")[1].guide_id)
    StepCompletion.objects.filter(enrolment=enrolment, completed_at__gt=start).update(
        completed_at=start + 8 * DAY
    )
    # ...then is quiet for 6 days: nothing; for 7: a new one, with her progress.
    assert scans.scan_inactivity(start + 14 * DAY) == 0
    assert scans.scan_inactivity(start + 15 * DAY) == 1
    latest = notes(maya, INACTIVITY)[-1]
    assert "2 of 3 steps complete" in latest.text


@pytest.mark.parametrize("case", ["completed", "unpublished", "terminated", "inactive_account"])
def test_no_reminder_for_finished_closed_or_deleted(maya, sepsis, start, case):
    if case == "completed":
        complete(maya, sepsis)
        quiet_since(Enrolment.objects.get(user=maya, path=sepsis), start)
    else:
        enrol(maya, sepsis, start)
    if case == "unpublished":
        sepsis.unpublish()
    elif case == "terminated":
        type(sepsis).objects.filter(pk=sepsis.pk).update(termination_date=(start + 5 * DAY).date())
    elif case == "inactive_account":
        type(maya).objects.filter(pk=maya.pk).update(is_active=False)
    assert scans.scan_inactivity(start + 8 * DAY) == 0
    assert Notification.objects.filter(kind=INACTIVITY.key).count() == 0


def test_opted_out_learners_get_nothing(maya, sepsis, start):
    enrol(maya, sepsis, start)
    set_enabled(maya, INACTIVITY.key, False)
    assert scans.scan_inactivity(start + 8 * DAY) == 0
    assert notes(maya, INACTIVITY) == []


def test_a_learner_without_an_address_gets_the_inbox_entry_only(sepsis, start):
    nameless = LearnerFactory(username="no-mail", email="")
    enrol(nameless, sepsis, start)
    assert scans.scan_inactivity(start + 8 * DAY) == 1
    assert notes(nameless, INACTIVITY)[0].email_status == EmailStatus.SKIPPED
    assert deliver_pending().sent == 0


def test_one_click_off_end_to_end(maya, sepsis, start, capsys):
    """scan -> send_notifications -> the e-mail -> the mail client's one-click
    POST -> next week's scan writes nothing."""
    enrol(maya, sepsis, start)
    call_command("send_notifications", "--now", (start + 7 * DAY).isoformat())
    assert "Scan learning.inactivity: 1 notification(s) written." in capsys.readouterr().out
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message) in message.extra_headers["List-Unsubscribe"]
    assert "A reminder when you have not opened a path you started for a week" in message.body

    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(message), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not is_enabled(maya, INACTIVITY.key)
    assert is_enabled(maya, CREDIT_ENDING.key)  # only that kind

    call_command("send_notifications", "--now", (start + 14 * DAY).isoformat())
    assert "Scan learning.inactivity: 0 notification(s) written." in capsys.readouterr().out
    assert len(mail.outbox) == 1


# --- 30 days before a path stops offering credit ----------------------------------------


def ends_in(path, now, days):
    """Set the path's termination date ``days`` after ``now``'s date in Chicago."""
    today = timezone.localtime(now, CHICAGO).date()
    type(path).objects.filter(pk=path.pk).update(
        termination_date=today + datetime.timedelta(days=days)
    )


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


# --- Never inside a request --------------------------------------------------------------


def test_requests_never_send_reminder_mail(
    client, maya, sepsis, start, django_capture_on_commit_callbacks
):
    client.force_login(maya)
    enrol(maya, sepsis, start, steps_done=0)
    scans.scan_inactivity(start + 8 * DAY)  # a reminder waiting to be sent
    for step in sepsis.steps.order_by("sort_order"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(sepsis.url + f"steps/{step.guide_id}/complete/")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_attempt(maya, sepsis, correct_answers(sepsis))
        services.submit_evaluation(maya, sepsis, evaluation_answers(sepsis))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            sepsis.url + "claim/", {"credits": "1.5", "attested": "on"}, follow=True
        )
    assert response.status_code == 200
    assert Certificate.objects.filter(user=maya).exists()
    # The certificate's notification is written, and nothing was e-mailed.
    assert notes(maya, CERTIFICATE_READY)[0].email_status == EmailStatus.PENDING
    assert mail.outbox == []


# --- Settings and query counts -----------------------------------------------------------


def test_the_settings_page_lists_the_three_kinds(client, maya):
    client.force_login(maya)
    profile = client.get("/me/profile/").content.decode()
    assert 'href="/me/notifications/settings/"' in profile
    page = client.get("/me/notifications/settings/").content.decode()
    assert "Learning paths" in page
    for kind in (INACTIVITY, CERTIFICATE_READY, CREDIT_ENDING):
        assert kind.label in page
        assert kind.description.replace("\u2019", "&#x27;")[:40] in page
    data = {CERTIFICATE_READY.key: "on", CREDIT_ENDING.key: "on"}
    client.post("/me/notifications/settings/", data)
    assert not is_enabled(maya, INACTIVITY.key)
    assert is_enabled(maya, CERTIFICATE_READY.key)


def queries(scan, now):
    with CaptureQueriesContext(connection) as captured:
        written = scan(now)
    return written, len(captured)


def test_scans_read_and_write_in_the_same_number_of_queries_for_3_or_30_learners(start):
    paths = [LearningPathPageFactory(steps=2) for _ in range(3)]
    learners = [LearnerFactory() for _ in range(30)]
    for i, learner in enumerate(learners[:3]):
        enrol(learner, paths[i % 3], start)
        enrol(learner, paths[(i + 1) % 3], start)
    paths[0].url  # noqa: B018 - the site's root paths, cached for both scans

    first = start + 7 * DAY
    written_3, queries_3 = queries(scans.scan_inactivity, first)
    for i, learner in enumerate(learners[3:]):
        enrol(learner, paths[i % 3], start)
        enrol(learner, paths[(i + 1) % 3], start)
    # A week later the first three are due again, with the 27 others.
    written_30, queries_30 = queries(scans.scan_inactivity, first + 7 * DAY)
    assert (written_3, written_30) == (3, 30)
    assert queries_30 == queries_3

    now = timezone.now()
    for path in paths:
        ends_in(path, now, 30)
    Notification.objects.all().delete()
    Enrolment.objects.filter(user__in=learners[3:]).update(completed_at=now)
    written_3, queries_3 = queries(scans.scan_credit_ending, now)
    Enrolment.objects.update(completed_at=None)
    Notification.objects.all().delete()
    written_30, queries_30 = queries(scans.scan_credit_ending, now)
    assert (written_3, written_30) == (6, 60)
    assert queries_30 == queries_3


def test_the_demo_s_own_certificates_are_not_emailed(maya):
    from learning.demo.reminders import settle_seeded_certificates

    doctor = LearnerFactory(username="doctor")
    for user in (doctor, maya):
        Notification.objects.create(
            user=user, kind=CERTIFICATE_READY.key, subject="Your certificate is ready", text="."
        )
    settle_seeded_certificates(lambda message: None)
    assert Notification.objects.get(user=doctor).email_status == EmailStatus.SKIPPED
    assert Notification.objects.get(user=maya).email_status == EmailStatus.PENDING
