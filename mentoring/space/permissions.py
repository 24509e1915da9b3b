"""Who may open a relationship's space: its two members, nobody else.

Anyone else gets 404, not 403, so the space's existence is not revealed:
other mentors and mentees, the programme's staff and superusers alike.
Staff see that a relationship exists, its status and its counts through
``summary.relationship_summary`` (never the agreement text, goals or notes).

Once the relationship has ended, its record (agreement, goals and check-ins,
sessions and their notes) is read-only for both members: they still read it
and export it, but nothing in it is added, changed or deleted
(:func:`may_change_record`; the services refuse with ``require_active``),
except that each member may still delete their own private notes, which
nobody else reads (:func:`may_delete_note`).
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


def record_is_open(relationship: Relationship) -> bool:
    """May the relationship's record still change? Only while it is active."""
    return relationship.is_active


def may_change_record(relationship: Relationship, user: Any) -> bool:
    """May ``user`` add, change or delete anything in the space (their own
    notes and check-ins included)? A member, while the relationship is active."""
    return member_role(relationship, user) is not None and record_is_open(relationship)


def may_delete_note(relationship: Relationship, user: Any, note: Any) -> bool:
    """May ``user`` delete ``note``? Its author, while the relationship is
    active; after the end only a private note, which takes nothing from the
    record the other member keeps."""
    if note.author_id != getattr(user, "pk", None) or member_role(relationship, user) is None:
        return False
    return record_is_open(relationship) or note.is_private


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
