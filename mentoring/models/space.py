"""The pair's private space: the agreement, goals with check-ins, the exit
survey and the mentee's wish to be matched again. Sessions and their notes are
in ``sessions.py``.

Deletion: rows hang from the relationship with CASCADE. What a person wrote
themselves (check-ins, exit surveys) hangs from them with CASCADE too, so it
goes with their account; what belongs to the pair (the agreement, goals) only
forgets who last changed it (SET_NULL). No foreign key to a user is PROTECT.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import Cadence, Role, Topic
from .matches import Relationship
from .programmes import Programme
from .space_choices import ExitReason, GoalStatus

MAX_LONG_TEXT = 4000
MAX_NOTE = 4000


class Agreement(models.Model):
    """What the pair agree on. Both accept it; changing it after both
    accepted resets both acceptances (the page says so)."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="agreement"
    )
    goals = models.TextField(
        "what we want to work on",
        max_length=MAX_LONG_TEXT,
        help_text="A few lines in your own words: what the mentee hopes to get from this.",
    )
    cadence = models.CharField(
        "how often we meet", max_length=12, choices=Cadence.choices, default=Cadence.FORTNIGHTLY
    )
    contact = models.TextField(
        "how to reach each other",
        max_length=1000,
        blank=True,
        help_text="For example: e-mail for planning, a text message if running late.",
    )
    confidentiality = models.TextField("confidentiality", max_length=MAX_LONG_TEXT)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(goals="") & ~Q(confidentiality=""),
                name="mentoring_agreement_has_text",
                violation_error_message="An agreement needs its goals and confidentiality text.",
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="mentoring_agreement_cadence"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement of {self.relationship}"

    @property
    def accepted_by_both(self) -> bool:
        return self.mentee_accepted_at is not None and self.mentor_accepted_at is not None

    def accepted_at(self, role: str) -> object:
        return self.mentee_accepted_at if role == Role.MENTEE else self.mentor_accepted_at


class Goal(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=160)
    topic = models.CharField(max_length=10, choices=Topic.choices)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="mentoring_goal_has_title"),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="mentoring_goal_status"
            ),
            models.CheckConstraint(
                condition=Q(topic__in=Topic.values), name="mentoring_goal_topic"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """A dated note on a goal with how far along it is (0 to 100 %)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_check_ins"
    )
    note = models.TextField(max_length=MAX_NOTE)
    progress = models.PositiveSmallIntegerField(help_text="How far along, from 0 to 100 %.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="mentoring_check_in_progress_range",
                violation_error_message="Progress is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="mentoring_check_in_has_note"),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.goal} ({self.progress} %)"


class ExitSurvey(models.Model):
    """One per side per relationship, written when closing (the side that
    closes) or afterwards (the other side, if they wish)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="exit_surveys"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_exit_surveys"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    reason = models.CharField(max_length=16, choices=ExitReason.choices)
    rating = models.PositiveSmallIntegerField("how useful was this mentoring (1 to 5)")
    would_recommend = models.BooleanField("would you recommend this mentoring to a colleague?")
    comments = models.TextField("anything else", blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "role"],
                name="mentoring_one_exit_survey_per_side",
                violation_error_message="You have already answered the exit survey.",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="mentoring_exit_rating_range",
                violation_error_message="The rating is from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ExitReason.values), name="mentoring_exit_reason"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="mentoring_exit_role"),
        ]

    def __str__(self) -> str:
        return f"Exit survey ({self.role}) of {self.relationship}"


class RematchRequest(models.Model):
    """The mentee asked to be matched again after this relationship ended:
    they are back among the mentees receiving suggestions in the programme,
    and a staff-matched programme's staff see who is waiting."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="rematch_request"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_rematches"
    )
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.mentee} asks to be matched again in {self.programme}"
