"""Reading a programme's rows into the report's figures (mentoring.reports.figures).

A constant number of queries whatever the programme's size: participants,
profiles, requests, relationships, sessions and exit surveys are each read
once, as plain values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from mentoring.models import (
    EndReason,
    Experience,
    MatchRequest,
    MenteeProfile,
    Participation,
    ParticipationStatus,
    Programme,
    Relationship,
    RelationshipStatus,
    RequestStatus,
    Role,
)

from .figures import (
    Figures,
    GroupRow,
    RelationshipFacts,
    RequestFacts,
    figures_for,
    group_rows,
    hours,
)
from .space_facts import ratings_by_relationship, sessions_held_by_relationship


@dataclass(frozen=True)
class Participants:
    mentees: int
    mentees_withdrawn: int
    mentors: int
    mentors_withdrawn: int


@dataclass(frozen=True)
class ProgrammeReport:
    programme: Programme
    generated_at: datetime.datetime
    participants: Participants
    overall: Figures
    groups: list[GroupRow]
    matched_by_staff: int
    matched_by_request: int


def _participants(programme: Programme) -> tuple[Participants, set[int]]:
    rows = list(
        Participation.objects.filter(programme=programme).values_list("user_id", "role", "status")
    )
    counts = {
        (role, status): sum(1 for _, r, s in rows if r == role and s == status)
        for role in Role.values
        for status in ParticipationStatus.values
    }
    mentee_ids = {user for user, role, _ in rows if role == Role.MENTEE}
    return (
        Participants(
            mentees=counts[Role.MENTEE, ParticipationStatus.ACTIVE],
            mentees_withdrawn=counts[Role.MENTEE, ParticipationStatus.WITHDRAWN],
            mentors=counts[Role.MENTOR, ParticipationStatus.ACTIVE],
            mentors_withdrawn=counts[Role.MENTOR, ParticipationStatus.WITHDRAWN],
        ),
        mentee_ids,
    )


def _requests(programme: Programme) -> list[RequestFacts]:
    facts = []
    answered = {RequestStatus.ACCEPTED, RequestStatus.DECLINED}
    for mentee_id, status, created, responded in MatchRequest.objects.filter(
        programme=programme
    ).values_list("mentee_id", "status", "created_at", "responded_at"):
        answer = hours(responded - created) if status in answered and responded else None
        facts.append(RequestFacts(mentee_id, status, answer))
    return facts


def _relationships(programme: Programme) -> tuple[list[RelationshipFacts], int, int]:
    rows = list(
        Relationship.objects.filter(programme=programme).values_list(
            "pk", "mentee_id", "status", "end_reason", "from_request_id"
        )
    )
    ids = [row[0] for row in rows]
    sessions = sessions_held_by_relationship(ids)
    ratings = ratings_by_relationship(ids)
    facts = []
    for pk, mentee_id, status, reason, _ in rows:
        ended = status == RelationshipStatus.ENDED
        mentee_rating, mentor_rating = ratings.get(pk, (None, None))
        facts.append(
            RelationshipFacts(
                mentee_id=mentee_id,
                ended=ended,
                ended_early=ended and reason != EndReason.COMPLETED,
                end_reason=reason,
                sessions_held=sessions.get(pk, 0),
                mentee_rating=mentee_rating,
                mentor_rating=mentor_rating,
            )
        )
    by_request = sum(1 for row in rows if row[4] is not None)
    return facts, len(rows) - by_request, by_request


def build_report(programme: Programme, now: datetime.datetime) -> ProgrammeReport:
    participants, mentee_ids = _participants(programme)
    requests = _requests(programme)
    relationships, by_staff, by_request = _relationships(programme)
    shared = {
        user_id: set(experiences or [])
        for user_id, experiences in MenteeProfile.objects.filter(
            user_id__in=mentee_ids
        ).values_list("user_id", "own_experiences")
    }
    for user_id in mentee_ids:
        shared.setdefault(user_id, set())
    labels = dict(Experience.choices)
    return ProgrammeReport(
        programme=programme,
        generated_at=now,
        participants=participants,
        overall=figures_for(mentee_ids, requests, relationships),
        groups=group_rows(shared, labels, requests, relationships),
        matched_by_staff=by_staff,
        matched_by_request=by_request,
    )


END_REASON_LABELS = dict(EndReason.choices)
REQUEST_STATUS_LABELS = dict(RequestStatus.choices)
