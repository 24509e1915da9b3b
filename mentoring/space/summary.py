"""What a programme's staff may know about a relationship: that it exists,
its status and counts. Never the agreement text, goals, notes or surveys'
comments. For the programme's staff pages and report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import Agreement, GoalStatus, Relationship, SessionStatus


@dataclass(frozen=True)
class RelationshipSummary:
    status: str
    agreement_accepted: bool
    sessions_held: int
    sessions_scheduled: int
    sessions_cancelled: int
    goals_open: int
    goals_achieved: int


def relationship_summary(relationship: Relationship) -> RelationshipSummary:
    sessions = relationship.sessions.aggregate(
        held=Count("pk", filter=Q(status=SessionStatus.HELD)),
        scheduled=Count("pk", filter=Q(status=SessionStatus.SCHEDULED)),
        cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
    )
    goals = relationship.goals.aggregate(
        open=Count("pk", filter=Q(status=GoalStatus.OPEN)),
        achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)),
    )
    agreement = Agreement.objects.filter(relationship=relationship).first()
    return RelationshipSummary(
        status=relationship.status,
        agreement_accepted=bool(agreement and agreement.accepted_by_both),
        sessions_held=sessions["held"],
        sessions_scheduled=sessions["scheduled"],
        sessions_cancelled=sessions["cancelled"],
        goals_open=goals["open"],
        goals_achieved=goals["achieved"],
    )
