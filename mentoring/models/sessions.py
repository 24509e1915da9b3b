"""Sessions of a mentoring pair and their notes.

A session's times are stored in UTC; each member sees them in their own time
zone. ``uid`` is the calendar invitation's UID (stable for the session's life)
and ``sequence`` its SEQUENCE, bumped on every change so calendars replace the
earlier invitation.

A private note is only ever visible to its author: every read goes through
``SessionNote.objects.visible_to(user)``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q

from .matches import Relationship
from .space_choices import NoteVisibility, SessionStatus

MAX_NOTE = 4000
DURATIONS = (30, 45, 60, 90, 120)

https_only = URLValidator(schemes=["https"], message="Enter a video-call link starting https://")


class Session(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="sessions"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(help_text="Stored in UTC.")
    ends_at = models.DateTimeField()
    location = models.CharField(
        "where", max_length=200, blank=True, help_text="For example: the hospital café, or phone."
    )
    video_url = models.URLField(
        "video-call link", max_length=500, blank=True, validators=[https_only]
    )
    agenda = models.TextField("what we plan to talk about", max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="mentoring_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(video_url="") | Q(video_url__startswith="https://"),
                name="mentoring_session_video_https",
                violation_error_message="The video-call link must start with https://",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="mentoring_session_status"
            ),
            models.CheckConstraint(
                condition=Q(status=SessionStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=SessionStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="mentoring_session_cancel_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="mentoring_session_due")]

    def __str__(self) -> str:
        return f"Session at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)

    @property
    def is_scheduled(self) -> bool:
        return self.status == SessionStatus.SCHEDULED


class NoteQuerySet(models.QuerySet["SessionNote"]):
    def visible_to(self, user: Any) -> NoteQuerySet:
        """Shared notes and the user's own private ones; nobody else's
        private notes, whoever asks (staff and superusers included)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(visibility=NoteVisibility.SHARED) | Q(author=user))


class SessionNote(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    # A note is its author's own words: it goes with their account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_session_notes"
    )
    visibility = models.CharField(max_length=10, choices=NoteVisibility.choices)
    text = models.TextField(max_length=MAX_NOTE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="mentoring_note_has_text"),
            models.CheckConstraint(
                condition=Q(visibility__in=NoteVisibility.values), name="mentoring_note_visibility"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_visibility_display()} note on {self.session}"

    @property
    def is_private(self) -> bool:
        return self.visibility == NoteVisibility.PRIVATE
