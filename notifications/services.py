"""Creating notifications and the recipient's choices.

``notify`` is called inside the transaction of the change it reports (a
request accepted, a reminder due): the notification commits or rolls back with
it. It never sends anything; ``delivery.deliver_pending`` does, from a task or
``manage.py send_notifications``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import events, kinds
from .models import EmailStatus, Notification, NotificationSetting


def is_enabled(user: Any, kind_key: str) -> bool:
    """Whether ``user`` wants notifications of this kind."""
    kind = kinds.get(kind_key)
    chosen = (
        NotificationSetting.objects.filter(user=user, kind=kind_key)
        .values_list("enabled", flat=True)
        .first()
    )
    return kind.default_on if chosen is None else chosen


def settings_for(user: Any) -> list[tuple[kinds.Kind, bool]]:
    """Every registered kind with the user's choice (one query)."""
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "enabled"))
    return [(kind, chosen.get(kind.key, kind.default_on)) for kind in kinds.all_kinds()]


def set_enabled(user: Any, kind_key: str, enabled: bool, *, via: str = "settings") -> bool:
    """Record the user's choice; True when it changed anything. Turning a
    kind off also stops its e-mails already written but not yet sent."""
    kinds.get(kind_key)
    with transaction.atomic():
        before = is_enabled(user, kind_key)
        NotificationSetting.objects.update_or_create(
            user=user, kind=kind_key, defaults={"enabled": enabled, "changed_via": via}
        )
        if not enabled:
            Notification.objects.filter(
                user=user, kind=kind_key, email_status=EmailStatus.PENDING
            ).update(email_status=EmailStatus.SKIPPED, last_error="turned off by the recipient")
    return before != enabled


def notify(
    user: Any,
    kind_key: str,
    *,
    subject: str,
    text: str,
    url: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Write a notification for ``user`` (inbox entry and e-mail to send).

    Returns None, and writes nothing, when the user turned this kind off or is
    inactive. With a ``dedupe_key`` the same notification is written once
    however often this is called (the first one is returned)."""
    kinds.get(kind_key)
    if not getattr(user, "is_active", False) or not is_enabled(user, kind_key):
        return None
    subject = " ".join(subject.split())[:200]
    if not subject:
        raise ValueError("A notification needs a subject.")
    fields = {"subject": subject, "text": text, "url": url}
    if dedupe_key:
        existing = Notification.objects.filter(
            user=user, kind=kind_key, dedupe_key=dedupe_key
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, kind=kind_key, dedupe_key=dedupe_key, **fields
                )
        except IntegrityError:  # written by a concurrent run a moment ago
            return Notification.objects.get(user=user, kind=kind_key, dedupe_key=dedupe_key)
    else:
        notification = Notification.objects.create(user=user, kind=kind_key, **fields)
    if not user.email:
        Notification.objects.filter(pk=notification.pk).update(
            email_status=EmailStatus.SKIPPED, last_error="no e-mail address"
        )
        notification.email_status = EmailStatus.SKIPPED
    else:
        announce([notification.pk])
    return notification


class _Announcement:
    """The on-commit callback that sends ``events.created`` once for every
    notification to e-mail that its transaction wrote."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        events.created.send(sender=Notification, notification_ids=list(self.ids))


def announce(notification_ids: list[int]) -> None:
    """Send ``events.created`` for these new notifications once the current
    transaction commits (at once outside one); nothing if it rolls back.

    One signal per commit however many notifications the transaction wrote:
    the ids join the announcement already waiting on this connection, so the
    worker gets one delivery task for a whole transaction, not one per
    notification. The callback is found among the connection's on-commit
    callbacks, so a savepoint rolled back takes its announcement with it and
    the next notification registers a new one. (Ids written in a savepoint
    rolled back after joining an earlier announcement stay in its list:
    harmless, as delivery reads the outbox, not the ids.)"""
    if not notification_ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, _Announcement) and not callback.sent:
                callback.ids.extend(notification_ids)
                return
    announcement = _Announcement()
    announcement.ids.extend(notification_ids)
    transaction.on_commit(announcement)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ``ids``);
    another user's ids are ignored. Returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def withdraw(kind_key: str, dedupe_keys: Iterable[str]) -> int:
    """Delete every recipient's notifications of this kind with these keys,
    sent or not: what they tell about is gone (a person's question or
    request, removed with their account), so nothing of it is e-mailed or
    left in anyone's inbox. Returns how many went."""
    keys = [key for key in dedupe_keys if key]
    if not keys:
        return 0
    deleted, _ = Notification.objects.filter(kind=kind_key, dedupe_key__in=keys).delete()
    return deleted
