"""The relationship space in the privacy export and in account deletion
(registered with cms.personal_data in the mentoring app's ready()).

Export (section ``mentoring_space``): for each relationship the person is a
member of, its agreement, goals and sessions, and what the person wrote
themselves: their check-ins, their session notes (shared and private) and
their exit survey. The other member's words (their notes of either kind,
check-ins, survey) are theirs, not exported to this person.

Deletion: a relationship hangs from both members with CASCADE (the
foundation's model), so deleting either member's account removes the whole
space with it. What a person wrote (notes, check-ins, exit surveys) also
hangs from them with CASCADE. Before the account goes, the eraser tells the
other member of each active relationship that it ended, so it does not simply
vanish from their list.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cms.personal_data import register_eraser, register_section
from notifications.services import notify

from ..models import (
    Agreement,
    CheckIn,
    ExitSurvey,
    Relationship,
    RelationshipStatus,
    RematchRequest,
    Role,
    Session,
    SessionNote,
)
from . import notices
from .people import display_name

SECTION = "mentoring_space"


def register() -> None:
    register_section(SECTION, export_section)
    register_eraser(SECTION, erase)


def _agreement(relationship: Relationship) -> dict[str, Any] | None:
    agreement = Agreement.objects.filter(relationship=relationship).first()
    if agreement is None:
        return None
    return {
        "goals": agreement.goals,
        "cadence": agreement.cadence,
        "how_to_reach_each_other": agreement.contact,
        "confidentiality": agreement.confidentiality,
        "version": agreement.version,
        "mentee_accepted_at": agreement.mentee_accepted_at,
        "mentor_accepted_at": agreement.mentor_accepted_at,
    }


def export_section(user: Any) -> list[dict[str, Any]]:
    relationships = (
        Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("programme")
        .order_by("started_at", "pk")
    )
    out = []
    for relationship in relationships:
        role = Role.MENTEE if relationship.mentee_id == user.pk else Role.MENTOR
        out.append(
            {
                "programme": relationship.programme.title,
                "my_role": role,
                "status": relationship.status,
                "started_at": relationship.started_at,
                "ended_at": relationship.ended_at,
                "end_reason": relationship.end_reason,
                "agreement": _agreement(relationship),
                "goals": [
                    {
                        "title": goal.title,
                        "topic": goal.topic,
                        "target_date": goal.target_date,
                        "status": goal.status,
                        "my_check_ins": [
                            {"at": c.created_at, "progress": c.progress, "note": c.note}
                            for c in CheckIn.objects.filter(goal=goal, author=user)
                        ],
                    }
                    for goal in relationship.goals.all()
                ],
                "sessions": [
                    {
                        "starts_at": s.starts_at,
                        "ends_at": s.ends_at,
                        "status": s.status,
                        "where": s.location,
                        "video_call_link": s.video_url,
                        "agenda": s.agenda,
                        "my_notes": [
                            {"at": n.created_at, "visibility": n.visibility, "text": n.text}
                            for n in SessionNote.objects.filter(session=s, author=user)
                        ],
                    }
                    for s in Session.objects.filter(relationship=relationship)
                ],
                "asked_to_be_matched_again_at": RematchRequest.objects.filter(
                    relationship=relationship, mentee=user
                )
                .values_list("requested_at", flat=True)
                .first(),
                "my_exit_survey": [
                    {
                        "reason": e.reason,
                        "rating": e.rating,
                        "would_recommend": e.would_recommend,
                        "comments": e.comments,
                        "at": e.created_at,
                    }
                    for e in ExitSurvey.objects.filter(relationship=relationship, author=user)
                ],
            }
        )
    return out


def erase(user: Any) -> None:
    """Tell the other member of each active relationship that it ended (the
    rows themselves go with the account, by CASCADE)."""
    active = Relationship.objects.filter(
        Q(mentee=user) | Q(mentor=user), status=RelationshipStatus.ACTIVE
    ).select_related("mentee", "mentor", "programme")
    for relationship in active:
        other = relationship.mentor if relationship.mentee_id == user.pk else relationship.mentee
        name = display_name(user)
        notify(
            other,
            notices.RELATIONSHIP_CLOSED.key,
            subject=f"{name} closed their Curbside account",
            text=(
                f"{name} closed their Curbside account, so your mentoring relationship in "
                f"{relationship.programme.title} has ended. Its shared space, sessions and "
                "notes were removed with the account."
            ),
            dedupe_key=f"closed:{relationship.pk}",
        )
