"""A mentee's suggestions and requests, and the mentor's answer.

The mentee's participation row is locked while they send a request, and the
mentor's while they accept one, so two clicks (or a mentor accepting two
mentees for their last place) are settled one after the other; the database's
unique constraints stand behind both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import matching, notices
from ..convert import capacity_in
from ..exceptions import MentoringError
from ..models import (
    EXPIRE_AFTER_DAYS,
    MatchingMode,
    MatchRequest,
    MentorOffer,
    Participation,
    ParticipationStatus,
    Programme,
    Relationship,
    RelationshipStatus,
    RequestStatus,
    Role,
)
from .pool import excluded_for, mentee_profile, mentor_profile, mentor_profiles

_LIMIT_FOR_MENTEE = {
    matching.HardLimit.SELF: "You cannot be your own mentor.",
    matching.HardLimit.EXCLUDED: "This mentor has already answered a request from you "
    "in this programme.",
    matching.HardLimit.FULL: "This mentor has no room for another mentee just now.",
    matching.HardLimit.NO_LANGUAGE: "You and this mentor share no language.",
    matching.HardLimit.OWN_DEPARTMENT: "This mentor does not mentor people from their own "
    "department.",
}


def has_mentor(programme: Programme, mentee: User) -> bool:
    return Relationship.objects.filter(
        programme=programme, mentee=mentee, status=RelationshipStatus.ACTIVE
    ).exists()


def pending_request(programme: Programme, mentee: User) -> MatchRequest | None:
    return (
        MatchRequest.objects.filter(
            programme=programme, mentee=mentee, status=RequestStatus.PENDING
        )
        .select_related("mentor")
        .first()
    )


def suggestions_for(
    mentee: User, programme: Programme, now: datetime | None = None, limit: int = 5
) -> list[matching.Match]:
    """The mentee's best mentors in the programme, best first, with reasons;
    mentors who declined them or let a request expire are left out."""
    profile = mentee_profile(mentee)
    if profile is None:
        return []
    now = now or timezone.now()
    return matching.suggestions(
        profile,
        mentor_profiles(programme),
        limit=limit,
        exclude=excluded_for(programme, mentee.pk),
        week=now.date(),
    )


def _active(programme: Programme, user: User, role: str, lock: bool = False) -> Participation:
    rows = Participation.objects.filter(
        programme=programme, user=user, role=role, status=ParticipationStatus.ACTIVE
    )
    participation = (rows.select_for_update() if lock else rows).first()
    if participation is None:
        who = "a mentee" if role == Role.MENTEE else "a mentor"
        raise MentoringError(f"You are not taking part in {programme.title} as {who}.")
    return participation


@transaction.atomic
def send_request(
    mentee: User,
    programme: Programme,
    mentor_id: int,
    message: str = "",
    now: datetime | None = None,
) -> MatchRequest:
    """Ask a mentor. Asking the same mentor again while waiting is a no-op."""
    now = now or timezone.now()
    _active(programme, mentee, Role.MENTEE, lock=True)
    if not programme.is_open:
        raise MentoringError("This programme is not taking requests just now.")
    if programme.matching_mode == MatchingMode.STAFF_MATCH:
        raise MentoringError("In this programme the staff match mentees with mentors.")
    waiting = pending_request(programme, mentee)
    if waiting is not None:
        if waiting.mentor_id == mentor_id:
            return waiting
        raise MentoringError(
            f"Your request to {notices.display_name(waiting.mentor)} is still waiting. "
            "Withdraw it first if you would rather ask someone else."
        )
    if has_mentor(programme, mentee):
        raise MentoringError("You already have a mentor in this programme.")
    profile = mentee_profile(mentee)
    if profile is None:
        raise MentoringError("Please fill in your mentee profile first.")
    mentor = mentor_profile(programme, mentor_id)
    if mentor is None:
        raise MentoringError("This mentor is not taking part in this programme.")
    limit = matching.hard_limit(profile, mentor, mentor_id in excluded_for(programme, mentee.pk))
    if limit is not None:
        raise MentoringError(_LIMIT_FOR_MENTEE[limit])
    match = matching.evaluate(profile, mentor, matching.Weights(), now.date())
    try:
        with transaction.atomic():
            request = MatchRequest.objects.create(
                programme=programme,
                mentee=mentee,
                mentor_id=mentor_id,
                score=match.score,
                reasons=[reason.text for reason in match.reasons],
                message=message.strip(),
                created_at=now,
                expires_at=now + timedelta(days=EXPIRE_AFTER_DAYS),
            )
    except IntegrityError as error:
        raise MentoringError("You already have a request waiting in this programme.") from error
    notices.request_received(request)
    return request


def _locked_request(request_id: int, **owner: User) -> MatchRequest:
    request = (
        MatchRequest.objects.select_for_update(of=("self",))
        .select_related("programme", "mentee", "mentor")
        .filter(pk=request_id, **owner)
        .first()
    )
    if request is None:
        raise MentoringError("There is no such request.")
    return request


def _not_waiting(request: MatchRequest) -> MentoringError:
    return MentoringError(
        f"This request is no longer waiting: {request.get_status_display().lower()}."
    )


@transaction.atomic
def accept(request_id: int, mentor: User, now: datetime | None = None) -> Relationship:
    """The mentor takes the mentee on: the relationship starts. Accepting again
    is a no-op; accepting over the mentor's capacity is refused."""
    now = now or timezone.now()
    programme_id = (
        MatchRequest.objects.filter(pk=request_id, mentor=mentor)
        .values_list("programme_id", flat=True)
        .first()
    )
    if programme_id is None:
        raise MentoringError("There is no such request.")
    programme = Programme.objects.get(pk=programme_id)
    # The mentor's row first: their accepts wait for each other here.
    participation = (
        Participation.objects.select_for_update()
        .filter(programme=programme, user=mentor, role=Role.MENTOR)
        .first()
    )
    request = _locked_request(request_id, mentor=mentor)
    if request.status == RequestStatus.ACCEPTED:
        existing = Relationship.objects.filter(from_request=request).first()
        if existing is not None:
            return existing
    if request.status != RequestStatus.PENDING:
        raise _not_waiting(request)
    if request.expires_at <= now:
        raise MentoringError("This request has expired: it waited more than 7 days.")
    if participation is None or participation.status != ParticipationStatus.ACTIVE:
        raise MentoringError(f"You are no longer a mentor in {programme.title}.")
    offer = MentorOffer.objects.get(user=mentor)
    capacity = capacity_in(programme, participation, offer)
    taken = Relationship.objects.filter(
        programme=programme, mentor=mentor, status=RelationshipStatus.ACTIVE
    ).count()
    if taken >= capacity:
        raise MentoringError(
            f"You have no room for another mentee in {programme.title}: "
            f"{taken} of your {capacity} places are taken."
        )
    if has_mentor(programme, request.mentee):
        raise MentoringError(f"{notices.display_name(request.mentee)} already has a mentor here.")
    relationship = Relationship.objects.create(
        programme=programme,
        mentee=request.mentee,
        mentor=mentor,
        from_request=request,
        started_at=now,
    )
    request.status = RequestStatus.ACCEPTED
    request.responded_at = now
    request.save(update_fields=["status", "responded_at"])
    notices.request_accepted(request)
    return relationship


@transaction.atomic
def decline(request_id: int, mentor: User, note: str = "", now: datetime | None = None) -> None:
    """The mentor says no; the mentee is not suggested them again here."""
    request = _locked_request(request_id, mentor=mentor)
    if request.status == RequestStatus.DECLINED:
        return
    if request.status != RequestStatus.PENDING:
        raise _not_waiting(request)
    request.status = RequestStatus.DECLINED
    request.responded_at = now or timezone.now()
    request.decline_note = note.strip()
    request.save(update_fields=["status", "responded_at", "decline_note"])
    notices.request_declined(request)


@transaction.atomic
def withdraw_request(request_id: int, mentee: User, now: datetime | None = None) -> None:
    """The mentee takes a waiting request back (they may ask the same mentor later)."""
    request = _locked_request(request_id, mentee=mentee)
    if request.status == RequestStatus.WITHDRAWN:
        return
    if request.status != RequestStatus.PENDING:
        raise _not_waiting(request)
    request.status = RequestStatus.WITHDRAWN
    request.responded_at = now or timezone.now()
    request.save(update_fields=["status", "responded_at"])
