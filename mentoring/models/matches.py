"""A mentee's request to a mentor, and the mentoring relationship it starts.

The relationship space (agreement, goals, sessions, notes, exit survey) hangs
off ``Relationship`` in its own module."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .choices import EndReason, RelationshipStatus, RequestStatus
from .programmes import Programme

REMIND_AFTER_DAYS = 3
EXPIRE_AFTER_DAYS = 7


class MatchRequest(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="match_requests"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_requests_received",
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    score = models.FloatField(default=0.0, help_text="The compatibility score (0-100) when sent.")
    reasons = models.JSONField(
        default=list, blank=True, help_text="The plain-word reasons the mentee was shown."
    )
    message = models.TextField("message to the mentor", blank=True, max_length=2000)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_note = models.TextField(blank=True, max_length=1000)
    next_suggestion = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="When the request expired: the mentor offered to the mentee next.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(status=RequestStatus.PENDING),
                name="mentoring_one_pending_request",
                violation_error_message="You already have a request waiting in this programme.",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=F("mentor")),
                name="mentoring_request_not_self",
                violation_error_message="Nobody can mentor themselves.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="mentoring_request_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.PENDING) | Q(responded_at__isnull=False),
                name="mentoring_request_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="mentoring_req_scan")]

    def __str__(self) -> str:
        return f"{self.mentee} asks {self.mentor} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class Relationship(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="relationships")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_as_mentee",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_as_mentor",
    )
    from_request = models.OneToOneField(
        MatchRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relationship",
        help_text="Empty when programme staff made the match.",
    )
    status = models.CharField(
        max_length=10, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(status=RelationshipStatus.ACTIVE),
                name="mentoring_one_active_relationship",
                violation_error_message="This mentee already has a mentor in this programme.",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=F("mentor")),
                name="mentoring_relationship_not_self",
                violation_error_message="Nobody can mentor themselves.",
            ),
            models.CheckConstraint(
                condition=(Q(status=RelationshipStatus.ACTIVE) & Q(ended_at__isnull=True))
                | (Q(status=RelationshipStatus.ENDED) & Q(ended_at__isnull=False)),
                name="mentoring_relationship_end_time",
                violation_error_message="An ended relationship has an end time; "
                "an active one has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee} in {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.status == RelationshipStatus.ACTIVE
