"""Closing a relationship with the exit survey, and the mentee asking to be
matched again.

Either member closes; the one who closes answers the exit survey in the same
step (the other side may answer theirs afterwards). Closing ends the
relationship (status, ended_at, ended_by, end_reason), cancels the pair's
upcoming sessions and tells the other member. Doing it twice changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import (
    EndReason,
    ExitReason,
    ExitSurvey,
    Participation,
    ParticipationStatus,
    Relationship,
    RelationshipStatus,
    RematchRequest,
    Role,
)
from . import notices
from .errors import SpaceError
from .scheduling import cancel_upcoming
from .services import _locked, require_member


def end_reason_for(role: str, reason: str) -> str:
    """The relationship's end reason (the foundation's enum) from the exit
    survey's answer and who closed it."""
    if reason in (ExitReason.GOALS_MET, ExitReason.PROGRAMME_ENDED):
        return EndReason.COMPLETED
    if reason == ExitReason.NOT_A_FIT:
        return EndReason.NOT_A_FIT
    return EndReason.MENTEE_LEFT if role == Role.MENTEE else EndReason.MENTOR_LEFT


def _survey(
    relationship: Relationship,
    user: Any,
    role: str,
    reason: str,
    rating: int,
    would_recommend: bool,
    comments: str,
) -> ExitSurvey:
    if reason not in ExitReason.values:
        raise SpaceError("Choose the main reason.", "reason")
    if not 1 <= rating <= 5:
        raise SpaceError("Choose a rating from 1 to 5.", "rating")
    existing = ExitSurvey.objects.filter(relationship=relationship, role=role).first()
    if existing is not None:
        return existing
    return ExitSurvey.objects.create(
        relationship=relationship,
        author=user,
        role=role,
        reason=reason,
        rating=rating,
        would_recommend=would_recommend,
        comments=comments.strip(),
    )


def close_relationship(
    relationship: Relationship,
    user: Any,
    *,
    reason: str,
    rating: int,
    would_recommend: bool,
    comments: str = "",
    now: datetime.datetime | None = None,
) -> Relationship:
    """End the relationship with the member's exit survey. If it has
    already ended, only records this member's survey (once)."""
    role = require_member(relationship, user)
    now = now or timezone.now()
    with transaction.atomic():
        relationship = _locked(relationship)
        _survey(relationship, user, role, reason, rating, would_recommend, comments)
        if relationship.status == RelationshipStatus.ENDED:
            return relationship
        relationship.status = RelationshipStatus.ENDED
        relationship.ended_at = now
        relationship.ended_by = user
        relationship.end_reason = end_reason_for(role, reason)
        relationship.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
        cancelled = cancel_upcoming(relationship, now)
        notices.relationship_closed(relationship, role, cancelled)
        return relationship


def can_ask_again(relationship: Relationship, role: str) -> bool:
    return (
        role == Role.MENTEE
        and relationship.status == RelationshipStatus.ENDED
        and not RematchRequest.objects.filter(relationship=relationship).exists()
    )


def ask_to_be_matched_again(
    relationship: Relationship, user: Any, now: datetime.datetime | None = None
) -> RematchRequest:
    """The mentee of an ended relationship asks for a new mentor in the same
    programme: their mentee participation is active again, so they receive
    suggestions (a mentee without an active relationship does), and the
    request is recorded for a staff-matched programme's staff. Once per
    ended relationship; asking again returns the same request."""
    role = require_member(relationship, user)
    if role != Role.MENTEE:
        raise SpaceError("Only the mentee can ask to be matched again.")
    with transaction.atomic():
        relationship = _locked(relationship)
        if relationship.status != RelationshipStatus.ENDED:
            raise SpaceError("Close this relationship first; then you can ask for a new mentor.")
        existing = RematchRequest.objects.filter(relationship=relationship).first()
        if existing is not None:
            return existing
        programme = relationship.programme
        if not programme.is_open:
            raise SpaceError(
                "This programme is not taking new matches at the moment. Its staff can tell "
                "you when it opens again."
            )
        if Relationship.objects.filter(
            programme=programme, mentee=user, status=RelationshipStatus.ACTIVE
        ).exists():
            raise SpaceError("You already have a mentor in this programme.")
        participation, _ = Participation.objects.get_or_create(
            programme=programme, user=user, role=Role.MENTEE
        )
        if participation.status != ParticipationStatus.ACTIVE:
            participation.status = ParticipationStatus.ACTIVE
            participation.withdrawn_at = None
            participation.save(update_fields=["status", "withdrawn_at"])
        return RematchRequest.objects.create(
            relationship=relationship,
            programme=programme,
            mentee=user,
            requested_at=now or timezone.now(),
        )
