"""Hand-built profiles for the matching tests: everything a test does not name
is a plain default, so each test shows only what it is about."""

from datetime import date, time

from mentoring.matching import (
    Availability,
    CareerStage,
    MenteeProfile,
    MentorProfile,
    Topic,
)

# A week with no daylight-saving change anywhere that matters (Monday 6 January 2025).
WEEK = date(2025, 1, 6)


def window(weekday, start, end):
    """A weekly window; ``start``/``end`` as "HH:MM"."""
    return Availability(weekday, time.fromisoformat(start), time.fromisoformat(end))


def mentee(user_id=1, **fields):
    values = {
        "career_stage": CareerStage.EARLY_CAREER,
        "specialty": "internal medicine",
        "goals": frozenset({Topic.CAREER}),
        "languages": ("English",),
        "timezone": "America/Chicago",
        "availability": (window(1, "18:00", "21:00"),),  # Tuesday evening
    }
    values.update(fields)
    return MenteeProfile(user_id=user_id, **values)


def mentor(user_id=100, **fields):
    values = {
        "topics": frozenset({Topic.CAREER}),
        "specialties": frozenset({"internal medicine"}),
        "languages": ("English",),
        "timezone": "America/Chicago",
        "availability": (window(1, "18:00", "21:00"),),
        "capacity": 3,
        "current_mentees": 1,
    }
    values.update(fields)
    return MentorProfile(user_id=user_id, **values)
