"""A mentee's best suggestions: the mentors they could have, best first."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable
from datetime import date

from .overlap import current_week
from .profiles import MenteeProfile, MentorProfile
from .score import Match, Weights, evaluate, hard_limit

SUGGESTIONS = 5


def unique_by_user(people: Iterable[MentorProfile], kind: str = "mentor") -> list[MentorProfile]:
    """The mentors as a list; ``ValueError`` when one user id appears twice."""
    seen: set[int] = set()
    kept = []
    for person in people:
        if person.user_id in seen:
            raise ValueError(f"{kind} {person.user_id} is listed twice.")
        seen.add(person.user_id)
        kept.append(person)
    return kept


def ranking_key(match: Match, mentor: MentorProfile) -> tuple[float, float, int, int]:
    """Best first: higher score, then more hours in common, then more room
    (spreads mentees across mentors), then the lower user id (stable)."""
    return (-match.score, -round(match.overlap_hours, 6), -mentor.remaining, mentor.user_id)


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
    weights = weights or Weights()
    week = week or current_week()
    excluded = frozenset(exclude)
    scored: list[tuple[tuple[float, float, int, int], MentorProfile]] = []
    for mentor in unique_by_user(mentors):
        if hard_limit(mentee, mentor, mentor.user_id in excluded) is not None:
            continue
        match = evaluate(mentee, mentor, weights, week, explain=False)
        scored.append((ranking_key(match, mentor), mentor))
    best = heapq.nsmallest(limit, scored, key=lambda item: item[0])
    return [evaluate(mentee, mentor, weights, week) for _, mentor in best]
