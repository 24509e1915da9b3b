"""A programme's mentors and mentees as the matching engine's profiles."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet

from .. import matching
from ..convert import capacity_in, to_mentee, to_mentor
from ..models import (
    MatchRequest,
    MenteeProfile,
    MentorOffer,
    Participation,
    ParticipationStatus,
    Programme,
    Relationship,
    RelationshipStatus,
    RequestStatus,
    Role,
)

CLOSED_FOR_MENTEE = (RequestStatus.DECLINED, RequestStatus.EXPIRED)


def _taking_part(programme: Programme, role: str) -> QuerySet[Participation]:
    """Active participations in ``role`` of people whose account is active: a
    deactivated account (an administrator's, or a deleted one) cannot sign
    in, so it is never suggested, asked or put in the cohort table."""
    return Participation.objects.filter(
        programme=programme, role=role, status=ParticipationStatus.ACTIVE, user__is_active=True
    )


def current_mentees(programme: Programme) -> dict[int, int]:
    """Active relationships per mentor (user id) in the programme."""
    rows = (
        Relationship.objects.filter(programme=programme, status=RelationshipStatus.ACTIVE)
        .values("mentor_id")
        .annotate(n=Count("id"))
    )
    return {row["mentor_id"]: row["n"] for row in rows}


def mentor_profiles(programme: Programme) -> list[matching.MentorProfile]:
    """Every active mentor of the programme who has an offer, with their room."""
    participations = {p.user_id: p for p in _taking_part(programme, Role.MENTOR)}
    counts = current_mentees(programme)
    offers = MentorOffer.objects.filter(user_id__in=participations).order_by("user_id")
    return [
        to_mentor(
            offer,
            capacity_in(programme, participations[offer.user_id], offer),
            counts.get(offer.user_id, 0),
        )
        for offer in offers
    ]


def mentor_profile(programme: Programme, mentor_id: int) -> matching.MentorProfile | None:
    participation = _taking_part(programme, Role.MENTOR).filter(user_id=mentor_id).first()
    offer = MentorOffer.objects.filter(user_id=mentor_id).first()
    if participation is None or offer is None:
        return None
    current = current_mentees(programme).get(mentor_id, 0)
    return to_mentor(offer, capacity_in(programme, participation, offer), current)


def mentee_profile(user: User) -> matching.MenteeProfile | None:
    profile = MenteeProfile.objects.filter(user=user).first()
    return to_mentee(profile) if profile else None


def unmatched_mentees(programme: Programme) -> list[matching.MenteeProfile]:
    """Active mentees with a profile, no active relationship and no waiting request."""
    busy = set(
        Relationship.objects.filter(
            programme=programme, status=RelationshipStatus.ACTIVE
        ).values_list("mentee_id", flat=True)
    ) | set(
        MatchRequest.objects.filter(programme=programme, status=RequestStatus.PENDING).values_list(
            "mentee_id", flat=True
        )
    )
    ids = _taking_part(programme, Role.MENTEE).values_list("user_id", flat=True)
    profiles = MenteeProfile.objects.filter(user_id__in=ids).exclude(user_id__in=busy)
    return [to_mentee(p) for p in profiles.order_by("user_id")]


def excluded_for(programme: Programme, mentee_id: int) -> set[int]:
    """Mentors who declined this mentee, or let their request expire, in the programme."""
    return set(
        MatchRequest.objects.filter(
            programme=programme, mentee_id=mentee_id, status__in=CLOSED_FOR_MENTEE
        ).values_list("mentor_id", flat=True)
    )


def excluded_pairs(programme: Programme) -> set[tuple[int, int]]:
    return set(
        MatchRequest.objects.filter(programme=programme, status__in=CLOSED_FOR_MENTEE).values_list(
            "mentee_id", "mentor_id"
        )
    )
