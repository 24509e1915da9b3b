"""A mentee's best suggestions: the mentors they could have, best first."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Protocol, TypeVar

from .overlap import Interval, current_week, intersection_seconds, utc_intervals, week_start
from .profiles import MenteeProfile, MentorProfile
from .score import Match, Weights, evaluate, fractions, hard_limit, score_of

SUGGESTIONS = 5

Prepared = list[tuple[MentorProfile, tuple[Interval, ...]]]
RankKey = tuple[float, int, int, int]


class _Person(Protocol):
    @property
    def user_id(self) -> int: ...


PersonT = TypeVar("PersonT", bound=_Person)


def unique_by_user(people: Iterable[PersonT], kind: str = "mentor") -> list[PersonT]:
    """The people as a list; ``ValueError`` when one user id appears twice."""
    seen: set[int] = set()
    kept = []
    for person in people:
        if person.user_id in seen:
            raise ValueError(f"{kind} {person.user_id} is listed twice.")
        seen.add(person.user_id)
        kept.append(person)
    return kept


def prepare(mentors: Iterable[MentorProfile], week: date) -> Prepared:
    """Each mentor with their windows in UTC for the week, worked out once."""
    monday = week_start(week)
    return [(m, utc_intervals(m.timezone, m.availability, monday)) for m in unique_by_user(mentors)]


def _best(
    mentee: MenteeProfile,
    prepared: Prepared,
    limit: int,
    excluded: Collection[int],
    weights: Weights,
    week: date,
) -> list[Match]:
    """Best first: higher score, then more time in common, then more room
    (spreads mentees across mentors), then the lower user id (stable)."""
    mine = utc_intervals(mentee.timezone, mentee.availability, week_start(week))
    scored: list[tuple[RankKey, MentorProfile]] = []
    for mentor, theirs in prepared:
        if hard_limit(mentee, mentor, mentor.user_id in excluded) is not None:
            continue
        seconds = intersection_seconds(mine, theirs)
        value = score_of(fractions(mentee, mentor, weights, seconds), weights)
        scored.append(((-value, -seconds, -mentor.remaining, mentor.user_id), mentor))
    best = heapq.nsmallest(limit, scored, key=lambda item: item[0])
    return [evaluate(mentee, mentor, weights, week) for _, mentor in best]


def suggestions(
    mentee: MenteeProfile,
    mentors: Iterable[MentorProfile],
    limit: int = SUGGESTIONS,
    exclude: Collection[int] = (),
    weights: Weights | None = None,
    week: date | None = None,
) -> list[Match]:
    """Up to ``limit`` allowed mentors for ``mentee``, best first, with reasons.

    ``exclude`` holds the user ids of mentors left out for this mentee (they
    declined, or an earlier request expired). ``week`` is any day of the week
    whose calendar (daylight-saving time) the overlap is counted on; this week
    when not given. The same input always gives the same list in the same order.
    """
    if limit < 0:
        raise ValueError("limit must not be negative.")
    week = week or current_week()
    return _best(
        mentee, prepare(mentors, week), limit, frozenset(exclude), weights or Weights(), week
    )


def suggestions_for_all(
    mentees: Sequence[MenteeProfile],
    mentors: Iterable[MentorProfile],
    limit: int = SUGGESTIONS,
    exclude: Mapping[int, Collection[int]] | None = None,
    weights: Weights | None = None,
    week: date | None = None,
) -> dict[int, list[Match]]:
    """``suggestions`` for many mentees at once (a nightly refresh), keyed by
    mentee user id; ``exclude`` maps a mentee's id to the mentors left out."""
    if limit < 0:
        raise ValueError("limit must not be negative.")
    week = week or current_week()
    prepared = prepare(mentors, week)
    exclude = exclude or {}
    return {
        mentee.user_id: _best(
            mentee,
            prepared,
            limit,
            frozenset(exclude.get(mentee.user_id, ())),
            weights or Weights(),
            week,
        )
        for mentee in mentees
    }
