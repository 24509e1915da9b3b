"""Sending the e-mails of written notifications (the outbox).

Run by the delivery task (TASKS_BACKEND=database) and by
``manage.py send_notifications``. Several runs at once share the work: on
PostgreSQL each takes rows the others have not locked (SKIP LOCKED). A
failed send is retried on the next run, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
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


def _claim(exclude: set[int], size: int) -> list[Notification]:
    rows = Notification.objects.filter(email_status=EmailStatus.PENDING).exclude(pk__in=exclude)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows.select_related("user").order_by("created_at", "pk")[:size])


def _waiting(exclude: set[int]) -> bool:
    return (
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .exclude(pk__in=exclude)
        .exists()
    )


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
        with transaction.atomic():
            batch = _claim(tried, min(BATCH, limit - len(tried)))
            if not batch:
                break
            for notification in batch:
                tried.add(notification.pk)
                _deliver_one(notification, report)
    return report


def _deliver_one(notification: Notification, report: DeliveryReport) -> None:
    user = notification.user
    fields = ["email_status", "email_attempts", "emailed_at", "last_error"]
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
    notification.save(update_fields=fields)
