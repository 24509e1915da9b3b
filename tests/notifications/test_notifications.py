"""Notifications: written with the change they report, shown in the inbox,
e-mailed by a worker or the cron command (never by the request), at most once
per key, and turned off per kind from the settings page or with one click
from the e-mail."""

import re
import socket

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

import pytest

from notifications.delivery import MAX_ATTEMPTS, deliver_pending
from notifications.models import EmailStatus, Notification, NotificationSetting
from notifications.services import is_enabled, notify, set_enabled, settings_for
from notifications.unsubscribe import make_token, read_token
from tests.factories import UserFactory

from .kinds import EXAMPLE, OFF_BY_DEFAULT, OTHER

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor():
    return UserFactory(learner=True, email="maya@example.org")


def write(user, kind=EXAMPLE.key, **fields):
    values = {"subject": "Your path is waiting", "text": "Step 3 is next.", "url": "/paths/x/"}
    values.update(fields)
    return notify(user, kind, **values)


def unsubscribe_link(message):
    return re.search(r"https?://\S+/notifications/unsubscribe/\S+/", message.body).group(0)


def test_a_notification_is_in_the_inbox_and_emailed_once_with_one_click_headers(doctor):
    note = write(doctor)
    assert note.email_status == EmailStatus.PENDING
    assert mail.outbox == []  # written, not sent: nothing goes out inside the change

    assert deliver_pending().counts() == {"sent": 1, "skipped": 0, "failed": 0, "retry": 0}
    (message,) = mail.outbox
    assert message.to == ["maya@example.org"]
    assert message.subject == "Your path is waiting"
    assert "Step 3 is next." in message.body
    assert "/paths/x/" in message.body
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A second run sends nothing again.
    assert deliver_pending().sent == 0
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENT and note.emailed_at is not None


def test_the_same_key_writes_one_notification(doctor):
    first = write(doctor, dedupe_key="path-7-week-48")
    again = write(doctor, dedupe_key="path-7-week-48", subject="A different subject")
    assert again.pk == first.pk
    write(doctor, dedupe_key="path-7-week-49")
    assert Notification.objects.filter(user=doctor).count() == 2
    deliver_pending()
    assert len(mail.outbox) == 2


def test_a_kind_turned_off_writes_nothing_and_stops_pending_mail(doctor):
    pending = write(doctor)
    assert set_enabled(doctor, EXAMPLE.key, False) is True
    assert write(doctor) is None
    pending.refresh_from_db()
    assert pending.email_status == EmailStatus.SKIPPED
    assert deliver_pending().sent == 0
    # Other kinds are unaffected.
    assert write(doctor, OTHER.key) is not None
    assert is_enabled(doctor, OTHER.key)


def test_default_off_kinds_and_inactive_or_address_less_users(doctor):
    assert write(doctor, OFF_BY_DEFAULT.key) is None
    set_enabled(doctor, OFF_BY_DEFAULT.key, True)
    assert write(doctor, OFF_BY_DEFAULT.key) is not None

    no_address = UserFactory(learner=True, email="")
    note = write(no_address)
    assert note.email_status == EmailStatus.SKIPPED  # still in the inbox
    inactive = UserFactory(learner=True, is_active=False)
    assert write(inactive) is None


def test_unknown_kind_is_a_programming_error(doctor):
    with pytest.raises(LookupError):
        write(doctor, "no.such.kind")


def test_a_transport_failure_is_retried_then_given_up(doctor, settings):
    # A real SMTP connection to a loopback port nothing listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    note = write(doctor)
    for attempt in range(1, MAX_ATTEMPTS):
        assert deliver_pending().retry == 1
        note.refresh_from_db()
        assert note.email_attempts == attempt and note.email_status == EmailStatus.PENDING
        assert note.last_error
    assert deliver_pending().failed == 1
    note.refresh_from_db()
    assert note.email_status == EmailStatus.FAILED
    assert deliver_pending().counts() == {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}


def test_one_click_unsubscribe_from_the_mail_client_needs_no_cookie_or_csrf(doctor):
    write(doctor)
    deliver_pending()
    path = unsubscribe_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "E-mails turned off" in response.content.decode()
    assert not is_enabled(doctor, EXAMPLE.key)
    assert NotificationSetting.objects.get(user=doctor, kind=EXAMPLE.key).changed_via == "email"


def test_the_link_in_the_email_body_shows_one_button_and_a_get_changes_nothing(client, doctor):
    url = f"/notifications/unsubscribe/{make_token(doctor, EXAMPLE.key)}/"
    page = client.get(url).content.decode()
    assert "Turn off &ldquo;Example reminders&rdquo;" in page
    assert is_enabled(doctor, EXAMPLE.key)  # link scanners fetch GETs
    client.post(url)
    assert not is_enabled(doctor, EXAMPLE.key)
    assert "already off" in client.get(url).content.decode()


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ:1abc:forged"])
def test_a_damaged_or_forged_token_changes_nothing(client, doctor, token):
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 404
    assert "This link is not recognised" in response.content.decode()
    assert is_enabled(doctor, EXAMPLE.key)


def test_a_token_names_exactly_one_user_and_kind(doctor):
    other = UserFactory(learner=True)
    token = make_token(doctor, EXAMPLE.key)
    found = read_token(token)
    assert (found.user_id, found.kind) == (doctor.pk, EXAMPLE.key)
    assert read_token(token[:-2] + "xx") is None
    assert read_token(make_token(other, OTHER.key)).user_id == other.pk


def test_settings_page_saves_each_kind(client, doctor):
    client.force_login(doctor)
    page = client.get("/me/notifications/settings/").content.decode()
    assert "Example reminders" in page and "Quiet example digest" in page
    data = {key: "on" for key, enabled in ((k.key, e) for k, e in settings_for(doctor)) if enabled}
    data.pop(EXAMPLE.key)
    data[OFF_BY_DEFAULT.key] = "on"
    response = client.post("/me/notifications/settings/", data, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    assert not is_enabled(doctor, EXAMPLE.key)
    assert is_enabled(doctor, OFF_BY_DEFAULT.key)
    assert is_enabled(doctor, OTHER.key)


def test_inbox_shows_own_notifications_and_marks_them_read(client, doctor):
    other = UserFactory(learner=True)
    mine = write(doctor, subject="Certificate ready for Maya")
    theirs = write(other, subject="Someone else's reminder")
    client.force_login(doctor)
    page = client.get("/me/notifications/").content.decode()
    assert "Certificate ready for Maya" in page and "New" in page
    assert "Someone else" not in page

    # Another user's id is ignored; so is what is no id ("²" passes str.isdigit()).
    client.post("/me/notifications/read/", {"id": [str(theirs.pk), "junk"]})
    response = client.post("/me/notifications/read/", {"id": "²"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is None
    response = client.post("/me/notifications/read/", {"id": str(mine.pk)}, follow=True)
    assert "Marked 1 notification read." in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_command_runs_scans_and_delivers(doctor, capsys):
    from notifications import schedule

    calls = []

    def scan(now):
        calls.append(now)
        return 1 if write(doctor, dedupe_key=f"scan-{now:%Y-%m-%d}") else 0

    schedule.register("tests.example-scan", scan)
    try:
        call_command("send_notifications", "--now", "2026-12-02T09:00:00+00:00")
        call_command("send_notifications", "--now", "2026-12-02T09:10:00+00:00")
    finally:
        schedule._SCANS.pop("tests.example-scan")
    out = capsys.readouterr().out
    assert "Scan tests.example-scan: 1 notification(s) written." in out
    assert "E-mails: 1 sent" in out
    assert len(mail.outbox) == 1  # the second run found the same key
    assert len(calls) == 2
    with pytest.raises(CommandError, match="with a zone"):
        call_command("send_notifications", "--now", "2026-12-02 09:00")


def test_in_process_tasks_never_send_mail_inside_the_request(
    doctor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(doctor)
    assert mail.outbox == []
    assert Notification.objects.get(user=doctor).email_status == EmailStatus.PENDING


def test_with_the_database_worker_a_delivery_task_is_queued(
    doctor, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        write(doctor)
    queued = DBTaskResult.objects.filter(task_path="notifications.tasks.deliver_notifications")
    assert queued.count() == 1
    assert mail.outbox == []


def test_unticking_every_box_turns_every_kind_off(client, doctor):
    client.force_login(doctor)
    # A browser sends only the CSRF token when no box is ticked.
    client.post("/me/notifications/settings/", {"csrfmiddlewaretoken": "x"})
    assert not any(enabled for _, enabled in settings_for(doctor))


def test_privacy_export_and_deletion_cover_notifications(client, doctor):
    import json

    from learning.privacy.deletion import delete_account

    write(doctor, subject="Certificate ready for Maya")
    set_enabled(doctor, OTHER.key, False)
    client.force_login(doctor)
    data = json.loads(client.get("/me/privacy/export.json").content)
    section = data["notifications"]
    assert [n["subject"] for n in section["notifications"]] == ["Certificate ready for Maya"]
    assert (
        section["settings"][0]["kind"] == OTHER.key and section["settings"][0]["enabled"] is False
    )

    delete_account(doctor, confirmation="correct-horse-battery")
    assert not Notification.objects.filter(user_id=doctor.pk).exists()
    assert not NotificationSetting.objects.filter(user_id=doctor.pk).exists()


def test_the_header_shows_the_unread_count(client, doctor):
    client.force_login(doctor)
    page = client.get("/me/").content.decode()
    assert 'href="/me/notifications/">Inbox</a>' in page
    write(doctor)
    write(doctor, OTHER.key)
    page = client.get("/me/").content.decode()
    assert '<span class="count-badge">2<span class="visually-hidden"> unread</span></span>' in page
