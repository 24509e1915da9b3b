"""Reminders that bring learners back (issue #14, item 12): a week without
opening a path. Written by a scan, e-mailed by ``send_notifications``; at
most one a week, none for a finished, closed or deleted path or account, and
off with one click from the e-mail."""

import datetime
import re

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import pytest

from learning.journey import services
from learning.models import Enrolment, StepCompletion
from learning.reminders import scans
from learning.reminders.kinds import CREDIT_ENDING, INACTIVITY
from notifications.delivery import deliver_pending
from notifications.models import EmailStatus, Notification
from notifications.services import is_enabled, set_enabled
from tests.factories import LearnerFactory, LearningPathPageFactory

from .conftest import complete
from .reminder_helpers import CHICAGO, DAY, enrol, notes, quiet_since

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(db):
    return LearningPathPageFactory(title="Your first contract", slug="contracts", steps=2)


def unsubscribe_path(message):
    link = re.search(r"https?://\S+/notifications/unsubscribe/\S+/", message.body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


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
