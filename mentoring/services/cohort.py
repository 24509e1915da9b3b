"""The staff's table of suggested pairs for a whole cohort: an optimal
assignment (``matching.assign_cohort``) that staff may change, checked with
``matching.check_pairs`` and confirmed as relationships.

The table covers the programme's active mentees who have a profile, no mentor
and no waiting request, and its active mentors with room.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from .. import matching
from ..exceptions import MentoringError
from ..models import Participation, ParticipationStatus, Programme, Relationship, Role
from ..notices import display_name
from .pool import excluded_pairs, mentor_profiles, unmatched_mentees


@dataclass
class Row:
    mentee: User
    mentor: User | None
    score: float | None = None
    reasons: list[str] = field(default_factory=list)
    problem: str = ""  # why there is no (allowed) mentor, in words


@dataclass
class CohortTable:
    rows: list[Row]
    mentors: list[tuple[User, int]]  # each mentor with their room
    problems: list[str]

    @property
    def total_score(self) -> float:
        return round(sum(row.score or 0 for row in self.rows), 1)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(row.mentee.pk, row.mentor.pk) for row in self.rows if row.mentor is not None]


def _users(ids: Iterable[int]) -> dict[int, User]:
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=set(ids))}


def in_words(problems: list[str], users: Mapping[int, User]) -> list[str]:
    """``check_pairs`` names people by id: name them."""

    def name(match: re.Match[str]) -> str:
        user = users.get(int(match.group(2)))
        return f"{match.group(1)} {display_name(user) if user else 'no longer in the cohort'}"

    named = [re.sub(r"\b(mentor|mentee) (\d+)", name, p) for p in problems]
    return [text[:1].upper() + text[1:] for text in named]


def cohort_table(
    programme: Programme,
    chosen: Mapping[int, int | None] | None = None,
    now: datetime | None = None,
) -> CohortTable:
    """The suggested pairs, or, with ``chosen`` (mentee id to mentor id or None),
    the staff's adjusted table with each pair's score and any problems."""
    week = (now or timezone.now()).date()
    mentees = unmatched_mentees(programme)
    mentors = mentor_profiles(programme)
    excluded = excluded_pairs(programme)
    users = _users([m.user_id for m in mentees] + [m.user_id for m in mentors])
    mentor_by_id = {m.user_id: m for m in mentors}
    if chosen is None:
        assignment = matching.assign_cohort(mentees, mentors, week=week, exclude_pairs=excluded)
        pairs = {pair.mentee_id: pair.mentor_id for pair in assignment.pairs}
        why = {u.mentee_id: u.why for u in assignment.unmatched}
    else:
        pairs = {k: v for k, v in chosen.items() if v is not None}
        why = {}
    rows: list[Row] = []
    for mentee in mentees:
        mentor_id = pairs.get(mentee.user_id)
        mentor = mentor_by_id.get(mentor_id) if mentor_id is not None else None
        row = Row(users[mentee.user_id], users[mentor.user_id] if mentor else None)
        if mentor is None:
            row.problem = why.get(mentee.user_id, "no mentor chosen")
        else:
            limit = matching.hard_limit(
                mentee, mentor, (mentee.user_id, mentor.user_id) in excluded
            )
            if limit is not None and limit is not matching.HardLimit.FULL:
                row.problem = f"this mentor {limit.value}"
            else:
                match = matching.evaluate(mentee, mentor, matching.Weights(), week)
                row.score = match.score
                row.reasons = [reason.text for reason in match.reasons]
        rows.append(row)
    problems = matching.check_pairs(mentees, mentors, pairs.items(), excluded)
    return CohortTable(
        rows=rows,
        mentors=[(users[m.user_id], m.remaining) for m in mentors],
        problems=in_words(problems, users),
    )


@transaction.atomic
def confirm(
    programme: Programme,
    pairs: Iterable[tuple[int, int]],
    now: datetime | None = None,
) -> list[Relationship]:
    """Start a relationship for each pair, after checking the whole table again
    with the mentors' rows locked. Refused as a whole when anything is wrong."""
    now = now or timezone.now()
    pairs = list(pairs)
    if not pairs:
        raise MentoringError("There are no pairs to confirm.")
    # Lock every mentor's row: accepts of requests wait until the table is saved.
    list(
        Participation.objects.select_for_update()
        .filter(programme=programme, role=Role.MENTOR, status=ParticipationStatus.ACTIVE)
        .order_by("pk")
    )
    mentees = unmatched_mentees(programme)
    mentors = mentor_profiles(programme)
    problems = matching.check_pairs(mentees, mentors, pairs, excluded_pairs(programme))
    if problems:
        users = _users([i for pair in pairs for i in pair])
        raise MentoringError("; ".join(in_words(problems, users)))
    return [
        Relationship.objects.create(
            programme=programme, mentee_id=mentee_id, mentor_id=mentor_id, started_at=now
        )
        for mentee_id, mentor_id in pairs
    ]
