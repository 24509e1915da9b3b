"""A mentoring programme's report for its institution: who took part, how
requests were answered, matches, sessions, early endings and satisfaction,
overall and for each group mentees chose to share.

Groups are the experiences mentees said they have themselves
(``MenteeProfile.own_experiences``), shared only if they chose to. A group
with fewer than ``MIN_GROUP`` mentees is shown as "fewer than 5" with no
figures, so nobody in a small group can be singled out. Groups overlap (a
mentee may share several), so hiding one cannot be undone by subtracting
the others from the total; the "shared nothing" group is hidden by the same
rule.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_GROUP = 5
NOT_SHARED = "not_shared"


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile_90(values: Sequence[float]) -> float | None:
    """The 90th percentile (inclusive method); the value itself for one."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def hours(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 3600


@dataclass(frozen=True)
class RequestFacts:
    mentee_id: int
    status: str
    answer_hours: float | None  # accepted or declined: time to answer


@dataclass(frozen=True)
class RelationshipFacts:
    mentee_id: int
    ended: bool
    ended_early: bool
    end_reason: str
    sessions_held: int
    mentee_rating: int | None  # the mentee's exit survey, 1-5
    mentor_rating: int | None


@dataclass
class Figures:
    """The figures of one set of mentees (the whole programme or a group)."""

    mentees: int = 0
    mentees_requesting: int = 0
    requests: int = 0
    requests_by_status: Counter[str] = field(default_factory=Counter)
    answer_hours_median: float | None = None
    answer_hours_p90: float | None = None
    answered_within_3_days: int = 0
    answered: int = 0
    mentees_matched: int = 0
    relationships: int = 0
    ended: int = 0
    ended_early: int = 0
    end_reasons: Counter[str] = field(default_factory=Counter)
    sessions_per_pair_median: float | None = None
    sessions_per_pair_mean: float | None = None
    pairs_without_session: int = 0
    mentee_rating_mean: float | None = None
    mentee_ratings: int = 0
    mentor_rating_mean: float | None = None
    mentor_ratings: int = 0

    @property
    def matched_share(self) -> float | None:
        return self.mentees_matched / self.mentees if self.mentees else None


def figures_for(
    mentee_ids: set[int],
    requests: Iterable[RequestFacts],
    relationships: Iterable[RelationshipFacts],
) -> Figures:
    mine_requests = [r for r in requests if r.mentee_id in mentee_ids]
    mine_pairs = [r for r in relationships if r.mentee_id in mentee_ids]
    answered = [r.answer_hours for r in mine_requests if r.answer_hours is not None]
    sessions = [p.sessions_held for p in mine_pairs]
    mentee_ratings = [p.mentee_rating for p in mine_pairs if p.mentee_rating is not None]
    mentor_ratings = [p.mentor_rating for p in mine_pairs if p.mentor_rating is not None]
    return Figures(
        mentees=len(mentee_ids),
        mentees_requesting=len({r.mentee_id for r in mine_requests}),
        requests=len(mine_requests),
        requests_by_status=Counter(r.status for r in mine_requests),
        answer_hours_median=median(answered),
        answer_hours_p90=percentile_90(answered),
        answered=len(answered),
        answered_within_3_days=sum(1 for h in answered if h <= 72),
        mentees_matched=len({p.mentee_id for p in mine_pairs}),
        relationships=len(mine_pairs),
        ended=sum(1 for p in mine_pairs if p.ended),
        ended_early=sum(1 for p in mine_pairs if p.ended_early),
        end_reasons=Counter(p.end_reason for p in mine_pairs if p.ended_early),
        sessions_per_pair_median=median(sessions),
        sessions_per_pair_mean=mean(sessions),
        pairs_without_session=sum(1 for s in sessions if s == 0),
        mentee_rating_mean=mean(mentee_ratings),
        mentee_ratings=len(mentee_ratings),
        mentor_rating_mean=mean(mentor_ratings),
        mentor_ratings=len(mentor_ratings),
    )


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str
    size: int | None  # None when hidden: not even the count is shown
    figures: Figures | None  # None: fewer than MIN_GROUP mentees, hidden

    @property
    def hidden(self) -> bool:
        return self.figures is None


def group_rows(
    shared: dict[int, set[str]],
    labels: dict[str, str],
    requests: Sequence[RequestFacts],
    relationships: Sequence[RelationshipFacts],
) -> list[GroupRow]:
    """One row per group (in ``labels`` order, then "shared nothing"); a
    group under MIN_GROUP mentees has no figures, only "fewer than 5"."""
    members: dict[str, set[int]] = defaultdict(set)
    for mentee_id, experiences in shared.items():
        for key in experiences or {NOT_SHARED}:
            members[key].add(mentee_id)
    rows = []
    for key, label in [*labels.items(), (NOT_SHARED, "Shared nothing")]:
        ids = members.get(key, set())
        if len(ids) < MIN_GROUP:
            rows.append(GroupRow(key, label, None, None))
        else:
            rows.append(GroupRow(key, label, len(ids), figures_for(ids, requests, relationships)))
    return rows
