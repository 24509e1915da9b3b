"""Who may open a relationship's space: its two members, nobody else.

Anyone else gets 404, not 403, so the space's existence is not revealed:
other mentors and mentees, the programme's staff and superusers alike.
Staff see that a relationship exists, its status and its counts through
``summary.relationship_summary`` (never the agreement text, goals or notes).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from ..models import Relationship, Role, Session


def member_role(relationship: Relationship, user: Any) -> str | None:
    """The user's side in the relationship, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.pk == relationship.mentee_id:
        return Role.MENTEE
    if user.pk == relationship.mentor_id:
        return Role.MENTOR
    return None


def space_for(user: Any, pk: int) -> tuple[Relationship, str]:
    """The relationship ``pk`` and the user's role in it, or 404."""
    relationship = (
        Relationship.objects.select_related("programme", "mentee", "mentor").filter(pk=pk).first()
    )
    role = member_role(relationship, user) if relationship is not None else None
    if relationship is None or role is None:
        raise Http404("No such mentoring space.")
    return relationship, role


def session_for(relationship: Relationship, pk: int) -> Session:
    session = Session.objects.filter(relationship=relationship, pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    return session


def other_member(relationship: Relationship, role: str) -> Any:
    return relationship.mentor if role == Role.MENTEE else relationship.mentee
