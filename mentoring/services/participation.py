"""Joining and leaving a programme, and saving what a person says for matching."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .. import notices
from ..exceptions import MentoringError
from ..models import (
    MatchRequest,
    MenteeProfile,
    MentorOffer,
    Participation,
    ParticipationStatus,
    Programme,
    RequestStatus,
    Role,
)
from ..permissions import may_join


def needs_profile(user: User, role: str) -> bool:
    """Does ``user`` still have to say what they ask for (or offer) before joining?"""
    if role == Role.MENTEE:
        return not MenteeProfile.objects.filter(user=user).exists()
    return not MentorOffer.objects.filter(user=user).exists()


@transaction.atomic
def join(user: User, programme: Programme, role: str) -> Participation:
    """``user`` takes part in ``programme`` as ``role``. Joining again is a no-op;
    joining after withdrawing takes part again."""
    role = Role(role)
    if not may_join(user, programme):
        if not programme.is_open:
            raise MentoringError("This programme is not taking new participants.")
        raise MentoringError(
            "This programme is for members of "
            f"{programme.institution.name}. Add and confirm your work e-mail address "
            "in your account to join."
        )
    if needs_profile(user, role):
        what = "mentee profile" if role == Role.MENTEE else "mentor offer"
        raise MentoringError(f"Please fill in your {what} first.")
    try:
        with transaction.atomic():
            participation, created = Participation.objects.get_or_create(
                programme=programme, user=user, role=role
            )
    except IntegrityError:  # someone else's click created it first
        participation, created = (
            Participation.objects.get(programme=programme, user=user, role=role),
            False,
        )
    if not created and participation.status == ParticipationStatus.WITHDRAWN:
        participation.status = ParticipationStatus.ACTIVE
        participation.withdrawn_at = None
        participation.save(update_fields=["status", "withdrawn_at"])
    return participation


@transaction.atomic
def withdraw(user: User, programme: Programme, role: str, now: datetime | None = None) -> bool:
    """``user`` stops taking part as ``role``; their waiting requests close (a
    mentee's are withdrawn; a mentor's close as MENTOR_LEFT and each mentee is
    told). Relationships already made stay until one of the pair ends them.
    False when there was nothing to withdraw."""
    now = now or timezone.now()
    participation = (
        Participation.objects.select_for_update()
        .filter(programme=programme, user=user, role=role, status=ParticipationStatus.ACTIVE)
        .first()
    )
    if participation is None:
        return False
    participation.status = ParticipationStatus.WITHDRAWN
    participation.withdrawn_at = now
    participation.save(update_fields=["status", "withdrawn_at"])
    pending = MatchRequest.objects.filter(programme=programme, status=RequestStatus.PENDING)
    if role == Role.MENTEE:
        pending.filter(mentee=user).update(status=RequestStatus.WITHDRAWN, responded_at=now)
    else:
        _close_for_leaving_mentor(pending.filter(mentor=user), now)
    return True


def _close_for_leaving_mentor(waiting: QuerySet[MatchRequest], now: datetime) -> None:
    """Close what waits for a mentor who leaves, and tell each mentee. Not a
    decline: the mentor is not left out of the mentee's suggestions, and the
    mentee may ask them again if they rejoin. Each notice has its request's
    dedupe key, so it is written once."""
    requests = list(
        waiting.select_for_update(of=("self",)).select_related("programme", "mentee", "mentor")
    )
    for request in requests:
        request.status = RequestStatus.MENTOR_LEFT
        request.responded_at = now
        request.save(update_fields=["status", "responded_at"])
        notices.request_closed_mentor_left(request)
