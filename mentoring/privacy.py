"""Mentoring in the privacy export and in account deletion (cms.personal_data).

The export lists everything the person told the matching (their private
experiences included), the programmes they joined, the requests they sent and
received and their relationships. Deletion removes all of it: the rows cascade
from the user, and the eraser also covers an account kept as an anonymised
tombstone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import MatchRequest, MenteeProfile, MentorOffer, Participation, Relationship


def _profile(row: Any, fields: tuple[str, ...]) -> dict[str, Any] | None:
    if row is None:
        return None
    return {name: getattr(row, name) for name in fields}


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def export_section(user: Any) -> dict[str, Any]:
    shared = ("languages", "time_zone", "availability", "department", "institution_name")
    return {
        "mentee_profile": _profile(
            MenteeProfile.objects.filter(user=user).first(),
            ("career_stage", "specialty", "goals", "goal_text", "wants_shared", "own_experiences")
            + shared
            + ("updated_at",),
        ),
        "mentor_offer": _profile(
            MentorOffer.objects.filter(user=user).first(),
            ("topics", "specialties", "capacity", "shares", "excludes_own_department")
            + shared
            + ("updated_at",),
        ),
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
                "you_are": "mentee" if r.mentee_id == user.pk else "mentor",
                "mentee": _name(r.mentee),
                "mentor": _name(r.mentor),
                "status": r.status,
                "message": r.message,
                # The reasons may name the mentee's private wishes: theirs only.
                "reasons": r.reasons if r.mentee_id == user.pk else [],
                "created_at": r.created_at,
                "responded_at": r.responded_at,
            }
            for r in MatchRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
            .select_related("programme", "mentee", "mentor")
            .order_by("created_at", "pk")
        ],
        "relationships": [
            {
                "programme": r.programme.title,
                "mentee": _name(r.mentee),
                "mentor": _name(r.mentor),
                "status": r.status,
                "started_at": r.started_at,
                "ended_at": r.ended_at,
                "end_reason": r.end_reason,
            }
            for r in Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))
            .select_related("programme", "mentee", "mentor")
            .order_by("started_at", "pk")
        ],
    }


def erase(user: Any) -> None:
    """Everything mentoring holds about ``user``."""
    Relationship.objects.filter(Q(mentee=user) | Q(mentor=user)).delete()
    MatchRequest.objects.filter(Q(mentee=user) | Q(mentor=user)).delete()
    MatchRequest.objects.filter(next_suggestion=user).update(next_suggestion=None)
    Participation.objects.filter(user=user).delete()
    MenteeProfile.objects.filter(user=user).delete()
    MentorOffer.objects.filter(user=user).delete()
