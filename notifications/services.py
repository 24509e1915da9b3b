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
        pk = notification.pk
        transaction.on_commit(
            lambda: events.created.send(sender=Notification, notification_ids=[pk])
        )
    return notification


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ``ids``);
    another user's ids are ignored. Returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
