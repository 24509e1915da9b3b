"""The mentoring section of the privacy export (cms.personal_data): the
person's matching profile and mentor offer (private experiences included:
they are theirs), programmes joined, requests sent and received, and
relationships. The other party appears by display name only; nothing the
other party said privately about themselves is ever included.

Deletion: every mentoring row hangs from the user with CASCADE, so deleting
the account (or anonymising it when certificates are kept) removes the
person's profile, offer, participations, requests and relationships; the
relationship space and consults register their own sections."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from notifications.services import withdraw

from .models import MatchRequest, MenteeProfile, MentorOffer, Participation, Relationship
from .notices import REQUEST_RECEIVED, REQUEST_REMINDER, display_name


def _common(row: Any) -> dict[str, Any]:
    return {
        "languages": row.languages,
        "time_zone": row.time_zone,
        "availability": row.availability,
        "department": row.department,
        "institution": row.institution_name,
        "updated_at": row.updated_at,
    }


def export_section(user: Any) -> dict[str, Any]:
    profile = MenteeProfile.objects.filter(user=user).first()
    offer = MentorOffer.objects.filter(user=user).first()
    requests = MatchRequest.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related(
        "programme", "mentee", "mentor"
    )
    relationships = Relationship.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related(
        "programme", "mentee", "mentor"
    )
    return {
        "mentee_profile": None
        if profile is None
        else {
            **_common(profile),
            "career_stage": profile.career_stage,
            "specialty": profile.specialty,
            "goals": profile.goals,
            "goal_text": profile.goal_text,
            "wants_shared": profile.wants_shared,
            "own_experiences": profile.own_experiences,
        },
        "mentor_offer": None
        if offer is None
        else {
            **_common(offer),
            "topics": offer.topics,
            "specialties": offer.specialties,
            "capacity": offer.capacity,
            "shares": offer.shares,
            "excludes_own_department": offer.excludes_own_department,
        },
        "programmes": [
            {
                "programme": p.programme.title,
                "role": p.role,
                "status": p.status,
                "joined_at": p.joined_at,
                "withdrawn_at": p.withdrawn_at,
            }
            for p in Participation.objects.filter(user=user).select_related("programme")
        ],
        "requests": [
            {
                "programme": r.programme.title,
                "as": "mentee" if r.mentee_id == user.pk else "mentor",
                "other_party": display_name(r.mentor if r.mentee_id == user.pk else r.mentee),
                "status": r.status,
                "message": r.message,
                "reasons_shown": r.reasons if r.mentee_id == user.pk else [],
                "created_at": r.created_at,
                "responded_at": r.responded_at,
                "decline_note": r.decline_note,
            }
            for r in requests.order_by("created_at", "pk")
        ],
        "relationships": [
            {
                "programme": r.programme.title,
                "as": "mentee" if r.mentee_id == user.pk else "mentor",
                "other_party": display_name(r.mentor if r.mentee_id == user.pk else r.mentee),
                "status": r.status,
                "started_at": r.started_at,
                "ended_at": r.ended_at,
                "end_reason": r.end_reason,
            }
            for r in relationships.order_by("started_at", "pk")
        ],
    }


def erase(user: Any) -> None:
    """Everything mentoring's foundation holds about ``user``, also when the
    account is kept as an anonymised tombstone (registered as an eraser that
    runs after the relationship space's, which first tells the other member)."""
    Relationship.objects.filter(Q(mentee=user) | Q(mentor=user)).delete()
    # A mentor's notices of this person's requests name them and may quote
    # their message: they go with the requests, e-mailed or not.
    asked = list(MatchRequest.objects.filter(mentee=user).values_list("pk", flat=True))
    withdraw(REQUEST_RECEIVED, [f"mentoring-request-{pk}-received" for pk in asked])
    withdraw(REQUEST_REMINDER, [f"mentoring-request-{pk}-reminder" for pk in asked])
    MatchRequest.objects.filter(Q(mentee=user) | Q(mentor=user)).delete()
    MatchRequest.objects.filter(next_suggestion=user).update(next_suggestion=None)
    Participation.objects.filter(user=user).delete()
    MenteeProfile.objects.filter(user=user).delete()
    MentorOffer.objects.filter(user=user).delete()
