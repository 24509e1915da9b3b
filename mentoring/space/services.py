"""The agreement, goals, check-ins and notes: the space's domain rules.

Every function checks that the person is a member and that the relationship
is still active (an ended space is read-only), works in one transaction, and
is idempotent where a second click could repeat it. Sessions are in
``scheduling.py``; closing and re-matching in ``closing.py``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import (
    Agreement,
    Cadence,
    CheckIn,
    Goal,
    GoalStatus,
    NoteVisibility,
    Relationship,
    Role,
    Session,
    SessionNote,
    SessionStatus,
    Topic,
)
from .errors import SpaceError
from .permissions import member_role, record_is_open

DEFAULT_CONFIDENTIALITY = (
    "What we talk about stays between the two of us unless we both agree to share it. "
    "We do not share patient details that could identify anyone. If either of us hears "
    "something that puts a patient, a colleague or one of us at risk, we will talk about "
    "what to do and follow our professional duties. Programme staff see that we meet, "
    "never what we write here."
)


def require_member(relationship: Relationship, user: Any) -> str:
    role = member_role(relationship, user)
    if role is None:
        raise SpaceError("Only the two members of this mentoring relationship can do that.")
    return role


def require_active(relationship: Relationship) -> None:
    """Refuse any change to an ended relationship's record (read-only for
    both members: permissions.record_is_open)."""
    if not record_is_open(relationship):
        raise SpaceError("This mentoring relationship has ended, so its space is read-only now.")


def _locked(relationship: Relationship) -> Relationship:
    return Relationship.objects.select_for_update().get(pk=relationship.pk)


# The same check-in or note from the same member within this time is the
# first one again (a double click, the form sent twice), as with consults.
REPEAT_WINDOW = datetime.timedelta(minutes=10)


def _recent() -> datetime.datetime:
    return timezone.now() - REPEAT_WINDOW


# ---------------------------------------------------------------------------
# The agreement.


def draft_agreement(relationship: Relationship) -> Agreement:
    """The agreement, or an unsaved one with the programme's defaults."""
    existing = Agreement.objects.filter(relationship=relationship).first()
    if existing is not None:
        return existing
    return Agreement(
        relationship=relationship,
        goals="",
        cadence=relationship.programme.cadence or Cadence.FORTNIGHTLY,
        confidentiality=DEFAULT_CONFIDENTIALITY,
    )


def save_agreement(
    relationship: Relationship,
    user: Any,
    *,
    goals: str,
    cadence: str,
    contact: str,
    confidentiality: str,
) -> tuple[Agreement, bool]:
    """Create or change the agreement. Returns it and whether acceptances
    were reset (a change after anyone accepted: both must accept again)."""
    require_member(relationship, user)
    goals, contact, confidentiality = goals.strip(), contact.strip(), confidentiality.strip()
    if not goals:
        raise SpaceError("Write a line or two about what you want to work on.", "goals")
    if not confidentiality:
        raise SpaceError("The agreement needs a confidentiality statement.", "confidentiality")
    if cadence not in Cadence.values:
        raise SpaceError("Choose how often you will meet.", "cadence")
    with transaction.atomic():
        relationship = _locked(relationship)
        require_active(relationship)
        agreement = Agreement.objects.filter(relationship=relationship).first()
        values = {
            "goals": goals,
            "cadence": cadence,
            "contact": contact,
            "confidentiality": confidentiality,
        }
        if agreement is None:
            agreement = Agreement.objects.create(
                relationship=relationship, updated_by=user, **values
            )
            return agreement, False
        if all(getattr(agreement, k) == v for k, v in values.items()):
            return agreement, False
        reset = agreement.mentee_accepted_at is not None or agreement.mentor_accepted_at is not None
        for key, value in values.items():
            setattr(agreement, key, value)
        agreement.mentee_accepted_at = None
        agreement.mentor_accepted_at = None
        agreement.version += 1
        agreement.updated_by = user
        agreement.save()
        return agreement, reset


def accept_agreement(
    relationship: Relationship, user: Any, version: int, now: datetime.datetime | None = None
) -> Agreement:
    """Record the member's acceptance of the version they read; accepting
    twice changes nothing. A version that changed meanwhile is refused."""
    role = require_member(relationship, user)
    with transaction.atomic():
        relationship = _locked(relationship)
        require_active(relationship)
        agreement = Agreement.objects.filter(relationship=relationship).first()
        if agreement is None:
            raise SpaceError("There is no agreement to accept yet.")
        if agreement.version != version:
            raise SpaceError(
                "The agreement was changed since you opened it. Please read it again before "
                "accepting."
            )
        field = "mentee_accepted_at" if role == Role.MENTEE else "mentor_accepted_at"
        if getattr(agreement, field) is None:
            setattr(agreement, field, now or timezone.now())
            agreement.save(update_fields=[field, "updated_at"])
        return agreement


# ---------------------------------------------------------------------------
# Goals and check-ins.


def add_goal(
    relationship: Relationship,
    user: Any,
    *,
    title: str,
    topic: str,
    target_date: datetime.date | None = None,
) -> Goal:
    require_member(relationship, user)
    title = " ".join(title.split())
    if not title:
        raise SpaceError("Give the goal a short title.", "title")
    if topic not in Topic.values:
        raise SpaceError("Choose what the goal is about.", "topic")
    with transaction.atomic():
        relationship = _locked(relationship)
        require_active(relationship)
        existing = Goal.objects.filter(
            relationship=relationship, title=title, status=GoalStatus.OPEN
        ).first()
        if existing is not None:  # a double submission
            return existing
        return Goal.objects.create(
            relationship=relationship,
            title=title,
            topic=topic,
            target_date=target_date,
            created_by=user,
        )


def set_goal_status(goal: Goal, user: Any, status: str) -> Goal:
    require_member(goal.relationship, user)
    if status not in GoalStatus.values:
        raise SpaceError("Choose open, achieved or dropped.", "status")
    with transaction.atomic():
        require_active(_locked(goal.relationship))
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if goal.status != status:
            goal.status = status
            goal.status_changed_at = timezone.now()
            goal.save(update_fields=["status", "status_changed_at"])
        return goal


def add_check_in(goal: Goal, user: Any, *, note: str, progress: int) -> CheckIn:
    require_member(goal.relationship, user)
    note = note.strip()
    if not note:
        raise SpaceError("Write a short note on how it is going.", "note")
    if not 0 <= progress <= 100:
        raise SpaceError("Progress is a percentage from 0 to 100.", "progress")
    with transaction.atomic():
        # The relationship's row lock also serialises two identical posts.
        require_active(_locked(goal.relationship))
        values = {"goal": goal, "author": user, "note": note, "progress": progress}
        repeated = CheckIn.objects.filter(created_at__gte=_recent(), **values).last()
        return repeated or CheckIn.objects.create(**values)


# ---------------------------------------------------------------------------
# Session notes.


def add_note(session: Session, user: Any, *, text: str, visibility: str) -> SessionNote:
    """A shared note (both members read it) or a private one (only its
    author, ever). Notes can be written on any session that was not
    cancelled, before or after it."""
    require_member(session.relationship, user)
    text = text.strip()
    if not text:
        raise SpaceError("The note is empty.", "text")
    if visibility not in NoteVisibility.values:
        raise SpaceError("Choose who can read the note.", "visibility")
    with transaction.atomic():
        require_active(_locked(session.relationship))
        session = Session.objects.get(pk=session.pk)
        if session.status == SessionStatus.CANCELLED:
            raise SpaceError("This session was cancelled: add notes to another session.")
        values = {"session": session, "author": user, "text": text, "visibility": visibility}
        repeated = SessionNote.objects.filter(created_at__gte=_recent(), **values).last()
        return repeated or SessionNote.objects.create(**values)


def delete_note(note_id: int, session: Session, user: Any) -> bool:
    """Delete one of the user's own notes; True if it was there, False if
    it is not theirs (or gone). Once the relationship has ended a shared
    note is part of the record both members keep, so deleting it is refused;
    a private note, which nobody else ever reads, its author may still
    delete (permissions.may_delete_note)."""
    require_member(session.relationship, user)
    with transaction.atomic():
        relationship = _locked(session.relationship)
        note = SessionNote.objects.filter(pk=note_id, session=session, author=user).first()
        if note is None:
            return False
        if not note.is_private:
            require_active(relationship)
        note.delete()
        return True
