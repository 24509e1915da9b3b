"""A notification is both the in-site inbox entry and the outbox row of its
e-mail: it is written in the transaction of the change it reports, and a
task (or ``manage.py send_notifications``) sends the e-mail afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class EmailStatus(models.TextChoices):
    PENDING = "pending", "To send"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"  # turned off after it was written, or no address
    FAILED = "failed", "Failed"  # gave up after MAX_ATTEMPTS


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    text = models.TextField(help_text="The message in plain text (the e-mail's body).")
    url = models.CharField(
        max_length=500, blank=True, help_text="Where the notification leads: a path on this site."
    )
    # Same (user, kind, dedupe_key) twice is one notification: a scan that
    # runs again, or a retried task, sends nothing twice.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="notification_has_subject"),
        ]
        indexes = [
            models.Index(
                fields=["email_status", "created_at"],
                name="notification_outbox",
                condition=Q(email_status="pending"),
            ),
            models.Index(fields=["user", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.kind}, to user {self.user_id})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSetting(models.Model):
    """A recipient's choice for one kind; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(max_length=60)
    enabled = models.BooleanField()
    changed_at = models.DateTimeField(auto_now=True)
    changed_via = models.CharField(
        max_length=20,
        choices=[("settings", "Settings page"), ("email", "Link in an e-mail")],
        default="settings",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_setting_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.enabled else 'off'} for user {self.user_id}"
