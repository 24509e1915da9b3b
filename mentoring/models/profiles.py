"""What a mentee asks for and what a mentor offers: one of each per user,
reused in every programme they join.

The experiences a mentee would like their mentor to share, the ones they have
themselves and the ones a mentor is willing to share are private: only the
matching, the person and the programme's staff see them, never a public page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ..availability import (
    TIME_ZONE_CHOICES,
    ChoiceListValidator,
    validate_text_list,
    validate_time_zone,
    validate_windows,
)
from .choices import CareerStage, Experience, Topic
from .programmes import MAX_CAPACITY, MIN_CAPACITY

_topics = ChoiceListValidator(tuple(Topic.values), "topics")
_experiences = ChoiceListValidator(tuple(Experience.values), "experiences")


class MatchingFields(models.Model):
    """What mentee profiles and mentor offers both say."""

    languages = models.JSONField(
        default=list,
        validators=[validate_text_list],
        help_text="In order of preference: the first is the one you would rather meet in.",
    )
    time_zone = models.CharField(
        max_length=64, choices=TIME_ZONE_CHOICES, default="UTC", validators=[validate_time_zone]
    )
    availability = models.JSONField(
        "hours you can meet",
        default=list,
        blank=True,
        validators=[validate_windows],
        help_text="Weekly windows in your own time zone.",
    )
    department = models.CharField(max_length=120, blank=True)
    institution_name = models.CharField("institution", max_length=160, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class MenteeProfile(MatchingFields):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_profile"
    )
    career_stage = models.CharField(max_length=16, choices=CareerStage.choices)
    specialty = models.CharField(max_length=120)
    goals = models.JSONField(
        "what you would like help with",
        default=list,
        blank=True,
        validators=[_topics],
    )
    goal_text = models.TextField("your goals in your own words", blank=True, max_length=2000)
    wants_shared = models.JSONField(
        "experiences you would like your mentor to share",
        default=list,
        blank=True,
        validators=[_experiences],
    )
    own_experiences = models.JSONField(
        "experiences of your own",
        default=list,
        blank=True,
        validators=[_experiences],
    )

    def __str__(self) -> str:
        return f"Mentee profile of {self.user}"


class MentorOffer(MatchingFields):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_offer"
    )
    topics = models.JSONField("what you mentor on", default=list, blank=True, validators=[_topics])
    specialties = models.JSONField(default=list, blank=True, validators=[validate_text_list])
    capacity = models.PositiveSmallIntegerField(
        "mentees at once",
        default=2,
        validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
        help_text="The most mentees you take at the same time in one programme (1 to 10).",
    )
    shares = models.JSONField(
        "experiences you are willing to share",
        default=list,
        blank=True,
        validators=[_experiences],
    )
    excludes_own_department = models.BooleanField(
        "do not match me with people from my own department",
        default=False,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=MIN_CAPACITY) & Q(capacity__lte=MAX_CAPACITY),
                name="mentoring_offer_capacity_range",
                violation_error_message="Mentees at once must be from 1 to 10.",
            )
        ]

    def __str__(self) -> str:
        return f"Mentor offer of {self.user}"
