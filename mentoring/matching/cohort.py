"""Suggested pairs for a whole cohort: an optimal assignment under capacity.

Each mentor becomes as many identical slots as mentees they can still take;
``scipy.optimize.linear_sum_assignment`` then picks one slot per mentee. An
impossible pair (a hard limit) costs more than any total of scores, so the
assignment first matches as many mentees as can be matched at all, then, among
those assignments, has the highest total score. Leaving a mentee without a
mentor to raise someone else's score is never chosen.

Staff adjust the table and confirm; ``check_pairs`` says what is wrong with an
adjusted table before it is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.optimize import linear_sum_assignment

from .overlap import current_week, intersection_seconds, utc_intervals, week_start
from .profiles import MenteeProfile, MentorProfile
from .score import HardLimit, Match, Weights, evaluate, fractions, hard_limit, score_of
from .suggest import prepare, unique_by_user


@dataclass(frozen=True, slots=True)
class Unmatched:
    mentee_id: int
    why: str  # for the programme's staff


@dataclass(frozen=True, slots=True)
class CohortAssignment:
    pairs: tuple[Match, ...]  # in the order the mentees were given
    unmatched: tuple[Unmatched, ...]

    @property
    def total_score(self) -> float:
        return sum(pair.score for pair in self.pairs)

    def mentor_of(self, mentee_id: int) -> int | None:
        return next((p.mentor_id for p in self.pairs if p.mentee_id == mentee_id), None)


_LIMIT_WORDS = {
    HardLimit.SELF: "the mentee themselves",
    HardLimit.FULL: "full",
    HardLimit.NO_LANGUAGE: "no shared language",
    HardLimit.OWN_DEPARTMENT: "own department excluded",
    HardLimit.EXCLUDED: "declined or expired",
}


def _why_unmatched(limits: Counter[HardLimit], fitting: int, mentor_count: int) -> str:
    if mentor_count == 0:
        return "there are no mentors in this cohort"
    if fitting == 1:
        return "the one mentor who fits is taken by other mentees in this assignment"
    if fitting:
        return f"all {fitting} mentors who fit are taken by other mentees in this assignment"
    counts = ", ".join(
        f"{_LIMIT_WORDS[limit]}: {count}"
        for limit, count in sorted(limits.items(), key=lambda item: (-item[1], item[0].name))
    )
    return f"no mentor fits ({counts})"


def score_matrix(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights,
    week: date,
    excluded: Collection[tuple[int, int]] = frozenset(),
) -> tuple[np.ndarray, np.ndarray, list[Counter[HardLimit]]]:
    """Scores (mentees x mentors), which pairs are allowed, and per mentee how
    many mentors each hard limit ruled out."""
    prepared = prepare(mentors, week)
    monday = week_start(week)
    scores = np.zeros((len(mentees), len(mentors)), dtype=np.float64)
    allowed = np.zeros((len(mentees), len(mentors)), dtype=bool)
    limits: list[Counter[HardLimit]] = []
    for i, mentee in enumerate(mentees):
        ruled_out: Counter[HardLimit] = Counter()
        mine = utc_intervals(mentee.timezone, mentee.availability, monday)
        for j, (mentor, theirs) in enumerate(prepared):
            limit = hard_limit(mentee, mentor, (mentee.user_id, mentor.user_id) in excluded)
            if limit is None:
                allowed[i, j] = True
                seconds = intersection_seconds(mine, theirs)
                scores[i, j] = score_of(fractions(mentee, mentor, weights, seconds), weights)
            else:
                ruled_out[limit] += 1
        limits.append(ruled_out)
    return scores, allowed, limits


def assign_cohort(
    mentees: Iterable[MenteeProfile],
    mentors: Iterable[MentorProfile],
    weights: Weights | None = None,
    week: date | None = None,
    exclude_pairs: Collection[tuple[int, int]] = (),
) -> CohortAssignment:
    """The suggested pair for every mentee who can have one, and why the others
    have none. ``exclude_pairs`` holds (mentee id, mentor id) pairs that must
    not be suggested again (declined or expired)."""
    weights = weights or Weights()
    week = week or current_week()
    mentee_list = unique_by_user(mentees, "mentee")
    mentor_list = unique_by_user(mentors)
    excluded = frozenset(exclude_pairs)
    scores, allowed, limits = score_matrix(mentee_list, mentor_list, weights, week, excluded)

    # A mentor never needs more slots than mentees they could take.
    room = np.array([mentor.remaining for mentor in mentor_list], dtype=np.int64)
    slots_per_mentor = np.minimum(room, allowed.sum(axis=0)) if mentor_list else room
    slot_mentor = np.repeat(np.arange(len(mentor_list)), slots_per_mentor)

    matched: dict[int, int] = {}
    if len(mentee_list) and len(slot_mentor):
        prohibitive = 100.0 * len(mentee_list) + 1.0  # above any total of scores
        cost = np.where(allowed, -scores, prohibitive)[:, slot_mentor]
        rows, columns = linear_sum_assignment(cost)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            mentor_index = int(slot_mentor[column])
            if allowed[row, mentor_index]:
                matched[row] = mentor_index

    pairs = tuple(
        evaluate(mentee_list[i], mentor_list[matched[i]], weights, week)
        for i in range(len(mentee_list))
        if i in matched
    )
    unmatched = tuple(
        Unmatched(
            mentee.user_id,
            _why_unmatched(limits[i], int(allowed[i].sum()), len(mentor_list)),
        )
        for i, mentee in enumerate(mentee_list)
        if i not in matched
    )
    return CohortAssignment(pairs, unmatched)


def check_pairs(
    mentees: Iterable[MenteeProfile],
    mentors: Iterable[MentorProfile],
    pairs: Iterable[tuple[int, int]],
    exclude_pairs: Collection[tuple[int, int]] = (),
) -> list[str]:
    """What is wrong with a table of (mentee id, mentor id) pairs staff adjusted:
    an empty list when it can be confirmed."""
    mentee_by_id = {m.user_id: m for m in unique_by_user(mentees, "mentee")}
    mentor_by_id = {m.user_id: m for m in unique_by_user(mentors)}
    excluded = frozenset(exclude_pairs)
    problems: list[str] = []
    taken: Counter[int] = Counter()
    seen: set[int] = set()
    for mentee_id, mentor_id in pairs:
        mentee, mentor = mentee_by_id.get(mentee_id), mentor_by_id.get(mentor_id)
        if mentee is None or mentor is None:
            missing = "mentee" if mentee is None else "mentor"
            ident = mentee_id if mentee is None else mentor_id
            problems.append(f"{missing} {ident} is not in this cohort")
            continue
        if mentee_id in seen:
            problems.append(f"mentee {mentee_id} is paired more than once")
            continue
        seen.add(mentee_id)
        taken[mentor_id] += 1
        limit = hard_limit(mentee, mentor, (mentee_id, mentor_id) in excluded)
        if limit is not None and limit is not HardLimit.FULL:
            problems.append(f"mentor {mentor_id} {limit.value} (mentee {mentee_id})")
    for mentor_id, count in sorted(taken.items()):
        room = mentor_by_id[mentor_id].remaining
        if count > room:
            problems.append(f"mentor {mentor_id} has room for {room} but is given {count}")
    return problems
