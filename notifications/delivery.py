"""Sending the e-mails of written notifications (the outbox).

Run by the delivery task (TASKS_BACKEND=database) and by
``manage.py send_notifications``. Several runs at once share the work: a run
claims a batch of pending rows in a short transaction (on PostgreSQL taking
rows the others have not locked, SKIP LOCKED) and marks them as its own for
``LEASE`` by writing the claim's time in ``emailed_at`` (which a sent row
then keeps as the time it was sent). The e-mails go out after that
transaction has committed, and each result is recorded on its own: no
transaction, and so no lock, is held while the mail server is talked to (on
SQLite a transaction holds the whole database's write lock: every learner's
write would wait for the mail server), and a failure half-way through a
batch never rolls back what was already sent, so nothing is sent twice. A
run that dies between its claim and its sends leaves the rows pending: the
next run after ``LEASE`` sends them. A failed send is retried on the next
run, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cms.site_url import absolute_url

from . import kinds
from .models import EmailStatus, Notification
from .services import is_enabled
from .unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 50
# E-mails per run at most; a run that stops there queues the next one.
LIMIT = 1000
# How long a claimed row is left to the run that claimed it: far longer than
# a batch takes even when every send waits for EMAIL_TIMEOUT.
LEASE = datetime.timedelta(hours=1)


@dataclass
class DeliveryReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0  # gave up (MAX_ATTEMPTS reached)
    retry: int = 0  # failed this time, will be tried again
    # Stopped at the run's limit with more waiting. Not among the counts.
    reached_limit: bool = False

    @property
    def needs_another_run(self) -> bool:
        """Stopped at the limit having got somewhere (not every send failed:
        a mail server that refuses everything is not hammered again at once;
        the next run, from the next notification or cron, retries)."""
        return self.reached_limit and self.sent + self.skipped + self.failed > 0

    def counts(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": self.failed,
            "retry": self.retry,
        }


def compose(notification: Notification) -> EmailMessage:
    """The e-mail of ``notification``: its text, its link, and how to turn
    this kind off (in the body and as RFC 8058 one-click headers)."""
    user = notification.user
    kind = kinds.get(notification.kind)
    off = unsubscribe_url(user, notification.kind)
    lines = [notification.text.rstrip()]
    if notification.url:
        lines += ["", absolute_url(notification.url)]
    lines += [
        "",
        "--",
        f"You receive this because \u201c{kind.label}\u201d is on in your Curbside settings.",
        f"Turn these e-mails off with one click: {off}",
        f"All your notification settings: {absolute_url(reverse('notification_settings'))}",
    ]
    return EmailMessage(
        subject=notification.subject,
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{off}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def _claimable(exclude: set[int]) -> QuerySet[Notification]:
    """Pending rows no other run is sending (never claimed, or claimed more
    than ``LEASE`` ago by a run that died)."""
    expired = timezone.now() - LEASE
    return (
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=expired))
        .exclude(pk__in=exclude)
    )


def _claim(exclude: set[int], size: int) -> list[Notification]:
    """Up to ``size`` rows, made this run's own in one short transaction."""
    with transaction.atomic():
        rows = _claimable(exclude)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        batch = list(rows.select_related("user").order_by("created_at", "pk")[:size])
        if batch:
            claimed_at = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(emailed_at=claimed_at)
            for notification in batch:
                notification.emailed_at = claimed_at
    return batch


def _waiting(exclude: set[int]) -> bool:
    return _claimable(exclude).exists()


def deliver_pending(limit: int | None = None) -> DeliveryReport:
    """Send up to ``limit`` (``LIMIT``) pending e-mails; returns what happened
    (``reached_limit`` when it stopped there: the delivery task then queues
    the next run itself, notifications.tasks)."""
    limit = LIMIT if limit is None else limit
    report = DeliveryReport()
    tried: set[int] = set()
    while True:
        if len(tried) >= limit:
            report.reached_limit = _waiting(exclude=tried)
            break
        batch = _claim(tried, min(BATCH, limit - len(tried)))
        if not batch:
            break
        for notification in batch:
            tried.add(notification.pk)
            _deliver_one(notification, report)
    return report


def _deliver_one(notification: Notification, report: DeliveryReport) -> None:
    """Send one claimed row (outside any transaction) and record the result,
    unless the row changed meanwhile (turned off, withdrawn)."""
    user = notification.user
    claimed_at = notification.emailed_at
    notification.emailed_at = None  # the claim ends here, whatever happens
    if not kinds.exists(notification.kind) or not user.is_active or not user.email:
        notification.email_status = EmailStatus.SKIPPED
        notification.last_error = "no longer deliverable (kind, account or address)"
        report.skipped += 1
    elif not is_enabled(user, notification.kind):
        notification.email_status = EmailStatus.SKIPPED
        notification.last_error = "turned off by the recipient"
        report.skipped += 1
    else:
        notification.email_attempts += 1
        try:
            compose(notification).send(fail_silently=False)
        except Exception as error:  # any transport error: retry later
            logger.warning(
                "notification e-mail failed",
                extra={"notification": notification.pk, "error": str(error)[:200]},
            )
            notification.last_error = str(error)[:300]
            if notification.email_attempts >= MAX_ATTEMPTS:
                notification.email_status = EmailStatus.FAILED
                report.failed += 1
            else:
                report.retry += 1
        else:
            notification.email_status = EmailStatus.SENT
            notification.emailed_at = timezone.now()
            notification.last_error = ""
            report.sent += 1
    still_ours = Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at)
    if notification.email_status != EmailStatus.SENT:
        # Not sent: a row turned off or given up meanwhile stays as it is.
        still_ours = still_ours.filter(email_status=EmailStatus.PENDING)
    still_ours.update(
        email_status=notification.email_status,
        email_attempts=notification.email_attempts,
        emailed_at=notification.emailed_at,
        last_error=notification.last_error,
    )
