"""Mentoring programmes run by an institution's staff, and who takes part."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from .choices import (
    Audience,
    Cadence,
    MatchingMode,
    ParticipationStatus,
    ProgrammeKind,
    ProgrammeStatus,
    Role,
)

MIN_CAPACITY = 1
MAX_CAPACITY = 10


def email_domains(text: str) -> list[str]:
    """The programme's member e-mail domains, one per line (or comma), in lower
    case, without a leading "@"."""
    parts = text.replace(",", "\n").splitlines()
    return [p.strip().lstrip("@").lower() for p in parts if p.strip().lstrip("@")]


class Programme(models.Model):
    institution = models.ForeignKey(
        "cms.Institution", on_delete=models.PROTECT, related_name="mentoring_programmes"
    )
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="Who the programme is for and what mentees can expect."
    )
    kind = models.CharField(max_length=10, choices=ProgrammeKind.choices)
    starts_on = models.DateField(null=True, blank=True, help_text="Required for a cohort.")
    ends_on = models.DateField(null=True, blank=True, help_text="Required for a cohort.")
    cadence = models.CharField(
        "meeting cadence", max_length=12, choices=Cadence.choices, default=Cadence.FORTNIGHTLY
    )
    mentees_per_mentor = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
        help_text="How many mentees a mentor takes in this programme unless set for them "
        "(1 to 10).",
    )
    matching_mode = models.CharField(
        "how matches are made",
        max_length=16,
        choices=MatchingMode.choices,
        default=MatchingMode.MENTEE_CHOOSES,
    )
    audience = models.CharField(
        "who may join", max_length=10, choices=Audience.choices, default=Audience.ANYONE
    )
    member_email_domains = models.TextField(
        "members' e-mail domains",
        blank=True,
        help_text="For a members-only programme: one domain per line (e.g. 'lakeshore.org'). "
        "A person is a member when a verified e-mail address of theirs is at one of these "
        "domains. The institution's staff are always members.",
    )
    status = models.CharField(
        max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ProgrammeKind.COHORT)
                | Q(starts_on__isnull=False, ends_on__isnull=False),
                name="mentoring_cohort_has_dates",
                violation_error_message="A cohort needs a start date and an end date.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
                name="mentoring_programme_ends_after_start",
                violation_error_message="The programme must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(mentees_per_mentor__gte=MIN_CAPACITY)
                & Q(mentees_per_mentor__lte=MAX_CAPACITY),
                name="mentoring_programme_capacity_range",
                violation_error_message="Mentees per mentor must be from 1 to 10.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def domains(self) -> list[str]:
        return email_domains(self.member_email_domains)

    @property
    def is_open(self) -> bool:
        return self.status == ProgrammeStatus.OPEN


class Participation(models.Model):
    """A user in a programme as mentee or as mentor (both is possible: two rows)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_participations",
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(
        max_length=10, choices=ParticipationStatus.choices, default=ParticipationStatus.ACTIVE
    )
    capacity = models.PositiveSmallIntegerField(
        "mentees in this programme",
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
        help_text="For a mentor: overrides the programme's number of mentees per mentor.",
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "role", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"], name="mentoring_one_participation_per_role"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True)
                | (Q(capacity__gte=MIN_CAPACITY) & Q(capacity__lte=MAX_CAPACITY)),
                name="mentoring_participation_capacity_range",
                violation_error_message="A mentor's number of mentees must be from 1 to 10.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(role=Role.MENTOR),
                name="mentoring_capacity_only_for_mentors",
                violation_error_message="Only a mentor has a number of mentees.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display().lower()} in {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.status == ParticipationStatus.ACTIVE
