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
from dataclasses import dataclass
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

    def __post_init__(self) -> None:
        for name in ("shared_experience", "goals", "specialty", "overlap", "language", "capacity"):
            if getattr(self, name) < 0:
                raise ValueError(f"Weight {name} must not be negative.")
        if self.overlap_full_hours <= 0:
            raise ValueError("overlap_full_hours must be above zero.")
        if not 0 <= self.second_language <= 1:
            raise ValueError("second_language must be between 0 and 1.")


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
    if not shared_languages(mentee, mentor):
        return HardLimit.NO_LANGUAGE
    if mentor.excludes_own_department and same_department(mentee, mentor):
        return HardLimit.OWN_DEPARTMENT
    return None


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def same_department(mentee: MenteeProfile, mentor: MentorProfile) -> bool:
    """Same department at the same institution (both must be known)."""
    if not (mentee.department and mentee.institution):
        return False
    return _key(mentee.department) == _key(mentor.department) and _key(mentee.institution) == _key(
        mentor.institution
    )


def shared_languages(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[str, ...]:
    """Languages both speak, in the mentee's order of preference."""
    spoken = {_key(language) for language in mentor.languages}
    return tuple(language for language in mentee.languages if _key(language) in spoken)


def _has_specialty(mentee: MenteeProfile, mentor: MentorProfile) -> bool:
    wanted = _key(mentee.specialty)
    return bool(wanted) and any(_key(s) == wanted for s in mentor.specialties)


def _hours_words(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} minutes a week overlap"
    rounded = round(hours * 2) / 2
    number = f"{rounded:g}"
    return f"{number} hour{'' if rounded == 1 else 's'} a week overlap"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def evaluate(
    mentee: MenteeProfile,
    mentor: MentorProfile,
    weights: Weights,
    week: date,
    explain: bool = True,
) -> Match:
    """Score an allowed pair (check ``hard_limit`` first). With ``explain=False``
    the reasons are left empty, which is faster for a whole cohort."""
    parts: list[tuple[str, float, float, str]] = []  # criterion, weight, fraction, words

    if mentee.wants_shared and weights.shared_experience:
        shared = sorted(mentee.wants_shared & mentor.shares)
        each = weights.shared_experience / len(mentee.wants_shared)
        if not shared:
            parts.append(("shared_experience", weights.shared_experience, 0.0, ""))
        for experience in shared:
            alone, both = _EXPERIENCE_WORDS[experience]
            words = both if experience in mentee.own_experiences else alone
            parts.append(("shared_experience", each, 1.0, words))

    if mentee.goals and weights.goals:
        covered = [topic for topic in Topic if topic in mentee.goals & mentor.topics]
        fraction = len(covered) / len(mentee.goals)
        words = "mentors on " + _join([t.label for t in covered]) if covered else ""
        parts.append(("goals", weights.goals, fraction, words))

    if mentee.specialty and weights.specialty:
        match = _has_specialty(mentee, mentor)
        parts.append(("specialty", weights.specialty, float(match), mentee.specialty))

    monday = week_start(week)
    seconds = intersection_seconds(
        utc_intervals(mentee.timezone, mentee.availability, monday),
        utc_intervals(mentor.timezone, mentor.availability, monday),
    )
    hours = seconds / 3600
    if weights.overlap:
        fraction = min(hours, weights.overlap_full_hours) / weights.overlap_full_hours
        words = _hours_words(hours) if seconds >= 900 else ""  # from 15 minutes
        parts.append(("overlap", weights.overlap, fraction, words))

    if weights.language:
        languages = shared_languages(mentee, mentor)
        if languages:
            preferred = languages[0] == mentee.languages[0]
            fraction = 1.0 if preferred else weights.second_language
            words = "speaks " + _join(list(languages))
        else:
            fraction, words = 0.0, ""
        parts.append(("language", weights.language, fraction, words))

    if weights.capacity:
        room = mentor.remaining
        fraction = room / mentor.capacity if mentor.capacity else 0.0
        words = f"has room for {room} more mentee{'' if room == 1 else 's'}" if room else ""
        parts.append(("capacity", weights.capacity, fraction, words))

    total_weight = _applicable_weight(mentee, weights)
    if total_weight <= 0:
        return Match(mentee.user_id, mentor.user_id, 0.0, hours, ())
    scale = 100.0 / total_weight
    score = sum(weight * fraction for _, weight, fraction, _ in parts) * scale
    reasons: tuple[Reason, ...] = ()
    if explain:
        ranked = sorted(
            (
                (-weight * fraction, CRITERIA.index(criterion), index, criterion, words)
                for index, (criterion, weight, fraction, words) in enumerate(parts)
                if fraction > 0 and words
            ),
        )
        reasons = tuple(
            Reason(criterion, words, round(-negative * scale, 2))
            for negative, _, _, criterion, words in ranked
        )
    return Match(mentee.user_id, mentor.user_id, round(score, 4), hours, reasons)


def _applicable_weight(mentee: MenteeProfile, weights: Weights) -> float:
    total = weights.overlap + weights.language + weights.capacity
    if mentee.wants_shared:
        total += weights.shared_experience
    if mentee.goals:
        total += weights.goals
    if mentee.specialty:
        total += weights.specialty
    return total


def score(mentee: MenteeProfile, mentor: MentorProfile, weights: Weights, week: date) -> float:
    """The 0-100 score of an allowed pair."""
    return evaluate(mentee, mentor, weights, week, explain=False).score
