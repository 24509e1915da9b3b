"""Enums of the relationship space (agreement, goals, sessions, notes, exit
survey). Kept apart from ``choices.py`` so the two mentoring wings can grow
without touching each other's files."""

from django.db import models


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class NoteVisibility(models.TextChoices):
    SHARED = "shared", "Shared with the other member"
    PRIVATE = "private", "Private: only I can read it"


class ExitReason(models.TextChoices):
    """Why a member closed the relationship; the programme report counts them."""

    GOALS_MET = "goals_met", "We met the goals we set"
    PROGRAMME_ENDED = "programme_ended", "The programme or our agreed time came to an end"
    NO_TIME = "no_time", "Not enough time to keep meeting"
    SCHEDULING = "scheduling", "We could not find times that suit us both"
    NOT_A_FIT = "not_a_fit", "We were not a good fit"
    CIRCUMSTANCES = "circumstances", "My job, training or personal circumstances changed"
    OTHER = "other", "Another reason"
