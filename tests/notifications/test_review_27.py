"""Review 27: notification delivery defects, each proven by a test that
failed before its fix."""

import sqlite3

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

import pytest

from notifications import delivery
from notifications.delivery import deliver_pending
from notifications.models import EmailStatus, Notification
from notifications.services import notify
from tests.factories import UserFactory

from .kinds import EXAMPLE

# What the e-mail backend below saw while it was sending: whether another
# connection could begin a write transaction ("free") or SQLite's error.
SEEN: list[str] = []


class ProbingBackend(EmailBackend):
    """The locmem backend that, while "talking to the mail server", has a
    second connection (a learner's request) try to write to the database."""

    def send_messages(self, messages):
        other = sqlite3.connect(
            connection.settings_dict["NAME"], uri=True, timeout=0.05, isolation_level=None
        )
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            SEEN.append("free")
        except sqlite3.OperationalError as error:
            SEEN.append(str(error))
        finally:
            other.close()
        return super().send_messages(messages)


def write(user, key):
    return notify(user, EXAMPLE.key, subject="Your path is waiting", text="Go on.", dedupe_key=key)


@pytest.mark.sqlite  # SQLite's database-wide write lock; deselected on PostgreSQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_write_lock_is_held_while_the_mail_server_is_talked_to(settings):
    """Each batch of 50 e-mails was sent inside the transaction that claimed
    it; on SQLite (BEGIN IMMEDIATE) that holds the whole database's write
    lock, so every learner's write waited for the mail server (and failed
    after 20 s when it was slow or down)."""
    SEEN.clear()
    settings.EMAIL_BACKEND = f"{__name__}.ProbingBackend"
    user = UserFactory(learner=True, email="maya@example.org")
    for n in range(3):
        write(user, f"k{n}")
    assert deliver_pending().sent == 3
    assert SEEN == ["free", "free", "free"]


@pytest.mark.django_db
def test_a_failure_after_some_sends_does_not_send_them_again(settings, monkeypatch):
    """A run that fails half-way through a batch (the database gone a
    moment) rolled back the "sent" marks of the e-mails it had already sent:
    the next run sent them again."""
    user = UserFactory(learner=True, email="maya@example.org")
    for n in range(3):
        write(user, f"k{n}")
    real = delivery.is_enabled
    calls = []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(*args)

    monkeypatch.setattr(delivery, "is_enabled", flaky)
    with pytest.raises(RuntimeError):
        deliver_pending()
    assert len(mail.outbox) == 2
    monkeypatch.setattr(delivery, "is_enabled", real)
    # The third row was claimed by the run that died: the next run after the
    # lease sends it, and only it.
    Notification.objects.filter(email_status=EmailStatus.PENDING).update(emailed_at=None)
    deliver_pending()
    assert sorted(m.subject for m in mail.outbox) == ["Your path is waiting"] * 3
    assert Notification.objects.filter(email_status=EmailStatus.SENT).count() == 3


@pytest.mark.django_db
def test_a_row_claimed_by_a_live_run_is_left_to_it(settings):
    user = UserFactory(learner=True, email="maya@example.org")
    note = write(user, "k")
    claimed = delivery._claim(set(), 10)
    assert [n.pk for n in claimed] == [note.pk]
    # A second run meanwhile finds nothing to send.
    assert deliver_pending().counts() == {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    assert mail.outbox == []
