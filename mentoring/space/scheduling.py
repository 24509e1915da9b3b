"""Scheduling sessions: schedule, reschedule, cancel, mark held.

Times arrive in UTC (the form converts the member's wall-clock time with
``zones.to_utc``). A session cannot start in the past, and two sessions of
the same pair that are not cancelled cannot overlap: the relationship row is
locked while checking, so two requests at once cannot both pass. Every change
bumps the session's ``sequence`` (the invitation's SEQUENCE) and tells the
other member, with the invitation link.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Relationship, Session, SessionStatus
from ..models.sessions import DURATIONS, https_only
from . import notices
from .errors import SpaceError
from .services import _locked, require_active, require_member

MAX_AHEAD = datetime.timedelta(days=366)


def _check_fields(location: str, video_url: str, minutes: int) -> tuple[str, str]:
    location, video_url = " ".join(location.split()), video_url.strip()
    if minutes not in DURATIONS:
        raise SpaceError("Choose how long the session lasts.", "minutes")
    if video_url:
        try:
            https_only(video_url)
        except Exception:
            raise SpaceError(
                "The video-call link must be a full address starting https:// "
                "(copy it from your video-call app).",
                "video_url",
            ) from None
    return location, video_url


def _ends_at(
    starts_at: datetime.datetime, minutes: int, now: datetime.datetime
) -> datetime.datetime:
    """The session's end. A start more than a year ahead is refused here,
    before the addition, so a start at the end of the calendar (31 December
    9999) is a message, not an overflow."""
    if starts_at > now + MAX_AHEAD:
        raise SpaceError("Schedule sessions at most a year ahead.", "starts_at")
    return starts_at + datetime.timedelta(minutes=minutes)


def _check_time(
    relationship: Relationship,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    now: datetime.datetime,
    exclude: int | None = None,
) -> None:
    if starts_at <= now:
        raise SpaceError("That time has already passed. Choose a time in the future.", "starts_at")
    clash = (
        Session.objects.filter(
            relationship=relationship, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(status=SessionStatus.CANCELLED)
        .exclude(pk=exclude or 0)
        .first()
    )
    if clash is not None:
        raise SpaceError(
            "This overlaps another session of yours "
            f"({clash.starts_at:%d %B %Y, %H:%M} UTC). Choose another time.",
            "starts_at",
        )


def schedule_session(
    relationship: Relationship,
    user: Any,
    *,
    starts_at: datetime.datetime,
    minutes: int,
    location: str = "",
    video_url: str = "",
    agenda: str = "",
    now: datetime.datetime | None = None,
) -> Session:
    role = require_member(relationship, user)
    now = now or timezone.now()
    location, video_url = _check_fields(location, video_url, minutes)
    with transaction.atomic():
        relationship = _locked(relationship)
        require_active(relationship)
        ends_at = _ends_at(starts_at, minutes, now)
        same = Session.objects.filter(
            relationship=relationship,
            starts_at=starts_at,
            ends_at=ends_at,
            status=SessionStatus.SCHEDULED,
        ).first()
        if same is not None:  # the same form sent twice
            return same
        _check_time(relationship, starts_at, ends_at, now)
        session = Session.objects.create(
            relationship=relationship,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            video_url=video_url,
            agenda=agenda.strip(),
            created_by=user,
        )
        notices.session_changed(session, role, "scheduled")
        return session


def reschedule_session(
    session: Session,
    user: Any,
    *,
    starts_at: datetime.datetime,
    minutes: int,
    location: str = "",
    video_url: str = "",
    agenda: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Session, bool]:
    """Change a scheduled session; returns it and whether anything changed."""
    role = require_member(session.relationship, user)
    now = now or timezone.now()
    location, video_url = _check_fields(location, video_url, minutes)
    with transaction.atomic():
        relationship = _locked(session.relationship)
        require_active(relationship)
        ends_at = _ends_at(starts_at, minutes, now)
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.SCHEDULED:
            raise SpaceError("Only a scheduled session can be changed.")
        values = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": location,
            "video_url": video_url,
            "agenda": agenda.strip(),
        }
        if all(getattr(session, k) == v for k, v in values.items()):
            return session, False
        if (starts_at, ends_at) != (session.starts_at, session.ends_at):
            _check_time(relationship, starts_at, ends_at, now, exclude=session.pk)
        for key, value in values.items():
            setattr(session, key, value)
        session.sequence += 1
        session.save()
        notices.session_changed(session, role, "changed")
        return session, True


def cancel_session(session: Session, user: Any, now: datetime.datetime | None = None) -> Session:
    """Cancel a scheduled session (again: nothing changes)."""
    role = require_member(session.relationship, user)
    with transaction.atomic():
        relationship = _locked(session.relationship)
        require_active(relationship)
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status == SessionStatus.CANCELLED:
            return session
        if session.status == SessionStatus.HELD:
            raise SpaceError("This session was held, so it cannot be cancelled.")
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = now or timezone.now()
        session.sequence += 1
        session.save()
        notices.session_changed(session, role, "cancelled")
        return session


def mark_held(session: Session, user: Any, now: datetime.datetime | None = None) -> Session:
    """Record that the session took place (once it has started)."""
    require_member(session.relationship, user)
    now = now or timezone.now()
    with transaction.atomic():
        relationship = _locked(session.relationship)
        require_active(relationship)
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status == SessionStatus.HELD:
            return session
        if session.status == SessionStatus.CANCELLED:
            raise SpaceError("This session was cancelled.")
        if session.starts_at > now:
            raise SpaceError("A session can be marked as held once it has started.")
        session.status = SessionStatus.HELD
        session.save(update_fields=["status", "updated_at"])
        return session


def cancel_upcoming(relationship: Relationship, now: datetime.datetime) -> int:
    """Cancel the pair's future sessions (when the relationship closes),
    bumping each invitation's sequence. Inside the caller's transaction."""
    count = 0
    for session in Session.objects.select_for_update().filter(
        relationship=relationship, status=SessionStatus.SCHEDULED, starts_at__gt=now
    ):
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = now
        session.sequence += 1
        session.save()
        count += 1
    return count
