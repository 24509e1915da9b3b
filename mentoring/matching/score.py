"""Whether a mentor can take a mentee, how well they fit, and why in plain words.

Hard limits make a pair impossible whatever the score. The score (0-100) is the
weighted share of the criteria that apply to this mentee: a criterion the mentee
gave nothing for (no experiences asked for, no goal topics) is left out of both
sides of the fraction, so no mentee is capped below 100 by what they left blank.

Reasons are for the mentee and the programme's staff only (they may name the
private experiences the mentee asked for); they are never a public label.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from .overlap import intersection_seconds, utc_intervals, week_start
from .profiles import Experience, MenteeProfile, MentorProfile, Topic


class HardLimit(enum.Enum):
    """Why a pair is impossible. ``value`` is a sentence for the programme's staff."""

    SELF = "cannot mentor themselves"
    FULL = "has no room for more mentees"
    NO_LANGUAGE = "shares no language with the mentee"
    OWN_DEPARTMENT = "does not mentor people from their own department"
    EXCLUDED = "was declined or let expire for this mentee"


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each criterion counts. Only the ratios matter."""

    shared_experience: float = 30.0
    goals: float = 20.0
    specialty: float = 15.0
    overlap: float = 15.0
    language: float = 10.0
    capacity: float = 10.0
    # Overlap counts in full from this many hours a week; less counts in proportion.
    overlap_full_hours: float = 3.0
    # A mentor who speaks only a later language of the mentee's gets this part.
    second_language: float = 0.5
    # The six criterion weights in the order of CRITERIA, read once.
    values: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("shared_experience", "goals", "specialty", "overlap", "language", "capacity"):
            if getattr(self, name) < 0:
                raise ValueError(f"Weight {name} must not be negative.")
        if self.overlap_full_hours <= 0:
            raise ValueError("overlap_full_hours must be above zero.")
        if not 0 <= self.second_language <= 1:
            raise ValueError("second_language must be between 0 and 1.")
        object.__setattr__(self, "values", tuple(getattr(self, name) for name in CRITERIA))


# Order of the criteria when two reasons contribute the same.
CRITERIA = ("shared_experience", "goals", "specialty", "overlap", "language", "capacity")

_EXPERIENCE_WORDS: dict[Experience, tuple[str, str]] = {
    # (the mentor alone, both of them)
    Experience.TRAINED_ABROAD: ("trained abroad", "both trained abroad"),
    Experience.WOMAN_IN_SPECIALTY: ("a woman in medicine", "both women in medicine"),
    Experience.RURAL_PRACTICE: ("has practised rurally", "both practised rurally"),
    Experience.UNDER_REPRESENTED: (
        "from a group under-represented in medicine",
        "both from groups under-represented in medicine",
    ),
    Experience.CAREER_BREAK: ("took a career break", "both took a career break"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    criterion: str
    text: str
    points: float  # what it adds to the 0-100 score


@dataclass(frozen=True, slots=True)
class Match:
    """A possible pair, its score and the reasons, largest contribution first."""

    mentee_id: int
    mentor_id: int
    score: float
    overlap_hours: float
    reasons: tuple[Reason, ...]

    @property
    def summary(self) -> str:
        """The reasons as one line: "both trained abroad; internal medicine; ..."."""
        return "; ".join(reason.text for reason in self.reasons)


def hard_limit(
    mentee: MenteeProfile, mentor: MentorProfile, excluded: bool = False
) -> HardLimit | None:
    """The first reason the pair is impossible, or None when it is allowed."""
    if mentee.user_id == mentor.user_id:
        return HardLimit.SELF
    if excluded:
        return HardLimit.EXCLUDED
    if mentor.remaining <= 0:
        return HardLimit.FULL
    if mentor.language_keys.isdisjoint(mentee.language_keys):
        return HardLimit.NO_LANGUAGE
    if mentor.excludes_own_department and same_department(mentee, mentor):
        return HardLimit.OWN_DEPARTMENT
    return None


def same_department(mentee: MenteeProfile, mentor: MentorProfile) -> bool:
    """Same department at the same institution (both must be known)."""
    return mentee.place is not None and mentee.place == mentor.place


def shared_languages(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[str, ...]:
    """Languages both speak, in the mentee's order of preference."""
    return tuple(
        language
        for language, language_key in zip(mentee.languages, mentee.language_keys, strict=True)
        if language_key in mentor.language_keys
    )


# What each criterion adds, as a fraction of its weight (None: does not apply).
Fractions = tuple[float | None, float | None, float | None, float, float, float]


def fractions(
    mentee: MenteeProfile, mentor: MentorProfile, weights: Weights, overlap_seconds: int
) -> Fractions:
    """Each criterion's fraction (0-1), in the order of ``CRITERIA``."""
    wants = mentee.wants_shared
    experience = len(wants & mentor.shares) / len(wants) if wants else None
    goals = len(mentee.goals & mentor.topics) / len(mentee.goals) if mentee.goals else None
    specialty = (
        float(mentee.specialty_key in mentor.specialty_keys) if mentee.specialty_key else None
    )
    overlap = min(overlap_seconds / 3600, weights.overlap_full_hours) / weights.overlap_full_hours
    keys = mentee.language_keys
    if keys and keys[0] in mentor.language_keys:
        language = 1.0
    elif mentor.language_keys.isdisjoint(keys):
        language = 0.0
    else:
        language = weights.second_language
    capacity = mentor.remaining / mentor.capacity if mentor.capacity else 0.0
    return experience, goals, specialty, overlap, language, capacity


def score_of(parts: Fractions, weights: Weights) -> float:
    """The 0-100 score from the fractions: the weighted share of what applies."""
    total = got = 0.0
    for weight, fraction in zip(weights.values, parts):  # noqa: B905 (both six long)
        if fraction is not None:
            total += weight
            got += weight * fraction
    return round(got * 100.0 / total, 4) if total > 0 else 0.0


def overlap_seconds(mentee: MenteeProfile, mentor: MentorProfile, week: date) -> int:
    monday = week_start(week)
    return intersection_seconds(
        utc_intervals(mentee.timezone, mentee.availability, monday),
        utc_intervals(mentor.timezone, mentor.availability, monday),
    )


def score(mentee: MenteeProfile, mentor: MentorProfile, weights: Weights, week: date) -> float:
    """The 0-100 score of an allowed pair (check ``hard_limit`` first)."""
    seconds = overlap_seconds(mentee, mentor, week)
    return score_of(fractions(mentee, mentor, weights, seconds), weights)


def _hours_words(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} minutes a week overlap"
    rounded = round(hours * 2) / 2
    return f"{rounded:g} hour{'' if rounded == 1 else 's'} a week overlap"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _words(mentee: MenteeProfile, mentor: MentorProfile, seconds: int) -> list[list[str]]:
    """Plain words for each criterion, in the order of ``CRITERIA``: one entry
    per shared experience asked for, at most one for each other criterion."""
    experiences = []
    for experience in sorted(mentee.wants_shared & mentor.shares):
        alone, both = _EXPERIENCE_WORDS[experience]
        experiences.append(both if experience in mentee.own_experiences else alone)
    covered = [topic.label for topic in Topic if topic in mentee.goals & mentor.topics]
    room = mentor.remaining
    languages = list(shared_languages(mentee, mentor))
    return [
        experiences,
        ["mentors on " + _join(covered)] if covered else [],
        [mentee.specialty] if mentee.specialty_key in mentor.specialty_keys else [],
        [_hours_words(seconds / 3600)] if seconds >= 900 else [],  # from 15 minutes
        ["speaks " + _join(languages)] if languages else [],
        [f"has room for {room} more mentee{'' if room == 1 else 's'}"] if room else [],
    ]


def evaluate(mentee: MenteeProfile, mentor: MentorProfile, weights: Weights, week: date) -> Match:
    """Score an allowed pair (check ``hard_limit`` first) and say why."""
    seconds = overlap_seconds(mentee, mentor, week)
    parts = fractions(mentee, mentor, weights, seconds)
    value = score_of(parts, weights)
    applicable = sum(w for w, f in zip(weights.values, parts, strict=True) if f is not None)
    scale = 100.0 / applicable if applicable > 0 else 0.0
    ranked: list[tuple[float, int, str, str]] = []
    for index, (criterion, weight, fraction, words) in enumerate(
        zip(CRITERIA, weights.values, parts, _words(mentee, mentor, seconds), strict=True)
    ):
        if not (fraction and words and weight):
            continue
        # Shared experiences: each asked-for experience is an equal part of the weight.
        points = weight * scale * (1 / len(mentee.wants_shared) if index == 0 else fraction)
        ranked.extend((-points, index, criterion, text) for text in words)
    ranked.sort()
    reasons = tuple(
        Reason(criterion, text, round(-negative, 2)) for negative, _, criterion, text in ranked
    )
    return Match(mentee.user_id, mentor.user_id, value, seconds / 3600, reasons)
