"""Reminders of every kind (issue #14, item 12): e-mailed by
``send_notifications``, never inside a request, and the demo's own
certificates not at all; the settings page turns each kind off; the scans
read and write in the same number of queries for 3 learners or 30."""

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from learning.journey import services
from learning.models import Certificate, Enrolment
from learning.reminders import scans
from learning.reminders.kinds import CERTIFICATE_READY, CREDIT_ENDING, INACTIVITY
from notifications.models import EmailStatus, Notification
from notifications.services import is_enabled
from tests.factories import LearnerFactory, LearningPathPageFactory, from_step_page

from .conftest import correct_answers, evaluation_answers
from .reminder_helpers import DAY, ends_in, enrol, notes

pytestmark = pytest.mark.django_db


# --- Never inside a request --------------------------------------------------------------


def test_requests_never_send_reminder_mail(
    client, maya, sepsis, start, django_capture_on_commit_callbacks
):
    client.force_login(maya)
    enrol(maya, sepsis, start, steps_done=0)
    scans.scan_inactivity(start + 8 * DAY)  # a reminder waiting to be sent
    for step in sepsis.steps.order_by("sort_order"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                sepsis.url + f"steps/{step.guide_id}/complete/",
                from_step_page(maya, sepsis, step.guide_id),
            )
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
