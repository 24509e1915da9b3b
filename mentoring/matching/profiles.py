"""What the matching engine knows about a mentee and a mentor.

Plain frozen dataclasses: the mentoring app turns its rows into these, so the
engine can be tested and benchmarked without a database. Every profile checks
itself when built and raises ``ValueError`` with a message for a person.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Topic(enum.StrEnum):
    """The site's three topics (the same values as ``cms.choices.Topic``)."""

    CLINICAL = "clinical"
    CAREER = "career"
    PRACTICE = "practice"

    @property
    def label(self) -> str:
        return _TOPIC_LABELS[self]


_TOPIC_LABELS = {
    Topic.CLINICAL: "clinical judgment",
    Topic.CAREER: "career navigation",
    Topic.PRACTICE: "practice management",
}


class CareerStage(enum.StrEnum):
    """Where a mentee is (the same values as ``cms.choices.AudienceLevel``)."""

    STUDENT = "student"
    RESIDENT = "resident"
    EARLY_CAREER = "early_career"
    EXPERIENCED = "experienced"


class Experience(enum.StrEnum):
    """Experiences a mentee may ask their mentor to share. Private: shown only
    to the mentee and the programme's staff, never as a public label."""

    TRAINED_ABROAD = "trained_abroad"
    WOMAN_IN_SPECIALTY = "woman_in_specialty"
    RURAL_PRACTICE = "rural_practice"
    UNDER_REPRESENTED = "under_represented"
    CAREER_BREAK = "career_break"


def _check_zone(name: str, who: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"{who}: {name!r} is not a time zone name (e.g. 'America/Chicago')."
        ) from error


@dataclass(frozen=True, slots=True)
class Availability:
    """A weekly window in the person's own time zone. ``weekday`` 0 is Monday.
    An ``end`` at or before ``start`` means the window runs past midnight into
    the next day (22:00-01:00); 18:00-00:00 ends at midnight."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}.")
        for moment in (self.start, self.end):
            if moment.tzinfo is not None:
                raise ValueError("Availability times are local times: give them without a zone.")
        if self.start == self.end:
            raise ValueError(f"A window must not start and end at the same time ({self.start}).")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


def key(text: str) -> str:
    """How names are compared: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


def _place(department: str, institution: str) -> tuple[str, str] | None:
    if not (department.strip() and institution.strip()):
        return None
    return key(department), key(institution)


def _ordered_unique(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            kept.append(cleaned)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class MenteeProfile:
    """A doctor asking for a mentor.

    ``languages`` are in order of preference (the first is the one they would
    rather meet in). ``wants_shared`` are the experiences they asked their mentor
    to share; ``own_experiences`` the ones they said they have themselves (both
    optional and private)."""

    user_id: int
    career_stage: CareerStage
    specialty: str
    goals: frozenset[Topic]
    languages: tuple[str, ...]
    timezone: str
    availability: tuple[Availability, ...] = ()
    goal_text: str = ""
    wants_shared: frozenset[Experience] = frozenset()
    own_experiences: frozenset[Experience] = frozenset()
    department: str = ""
    institution: str = ""
    # Derived once for comparisons (not part of equality).
    language_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    specialty_key: str = field(init=False, repr=False, compare=False)
    place: tuple[str, str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_zone(self.timezone, f"mentee {self.user_id}")
        object.__setattr__(self, "languages", _ordered_unique(self.languages))
        object.__setattr__(self, "specialty", " ".join(self.specialty.split()))
        object.__setattr__(self, "language_keys", tuple(key(x) for x in self.languages))
        object.__setattr__(self, "specialty_key", key(self.specialty))
        object.__setattr__(self, "place", _place(self.department, self.institution))


@dataclass(frozen=True, slots=True)
class MentorProfile:
    """An experienced physician offering to mentor.

    ``capacity`` is how many mentees they take at once and ``current_mentees``
    how many they have now. ``excludes_own_department``: they do not mentor
    people from their own department at their own institution."""

    user_id: int
    topics: frozenset[Topic]
    specialties: frozenset[str]
    languages: tuple[str, ...]
    timezone: str
    capacity: int
    availability: tuple[Availability, ...] = ()
    current_mentees: int = 0
    shares: frozenset[Experience] = field(default_factory=frozenset)
    department: str = ""
    institution: str = ""
    excludes_own_department: bool = False
    language_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    specialty_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    place: tuple[str, str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_zone(self.timezone, f"mentor {self.user_id}")
        if self.capacity < 0 or self.current_mentees < 0:
            raise ValueError(
                f"mentor {self.user_id}: capacity and current mentees must not be negative."
            )
        object.__setattr__(self, "languages", _ordered_unique(self.languages))
        object.__setattr__(
            self, "specialties", frozenset(" ".join(s.split()) for s in self.specialties)
        )
        object.__setattr__(self, "language_keys", frozenset(key(x) for x in self.languages))
        object.__setattr__(self, "specialty_keys", frozenset(key(x) for x in self.specialties))
        object.__setattr__(self, "place", _place(self.department, self.institution))

    @property
    def remaining(self) -> int:
        """How many more mentees they can take (never below zero)."""
        return max(0, self.capacity - self.current_mentees)
