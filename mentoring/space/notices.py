"""What the space tells the other member, through the notifications app.

Every kind is in the "Mentoring" group and can be turned off on
/me/notifications/settings/. Notifications are written inside the change's
transaction and e-mailed afterwards by a task or ``send_notifications``
(never inside the request). Times are given in the recipient's own zone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from cms.site_url import absolute_url
from notifications import kinds, schedule
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import notify

from ..models import Relationship, RelationshipStatus, Role, Session, SessionStatus
from .people import display_name
from .zones import describe, zone_name

GROUP = "Mentoring"
SESSION_SCHEDULED = Kind(
    "mentoring_session_scheduled",
    "A mentoring session is scheduled",
    "When the other member of your mentoring pair schedules a session, with its invitation.",
    GROUP,
)
SESSION_CHANGED = Kind(
    "mentoring_session_changed",
    "A mentoring session is moved or changed",
    "A new time, place or video-call link, with the updated invitation.",
    GROUP,
)
SESSION_CANCELLED = Kind(
    "mentoring_session_cancelled",
    "A mentoring session is cancelled",
    "When the other member cancels a session you had planned.",
    GROUP,
)
SESSION_SOON = Kind(
    "mentoring_session_soon",
    "A mentoring session in the next 24 hours",
    "A reminder the day before, with the time in your own time zone.",
    GROUP,
)
RELATIONSHIP_CLOSED = Kind(
    "mentoring_relationship_closed",
    "Your mentoring relationship is closed",
    "When the other member closes your mentoring relationship.",
    GROUP,
)
KINDS = (SESSION_SCHEDULED, SESSION_CHANGED, SESSION_CANCELLED, SESSION_SOON, RELATIONSHIP_CLOSED)
SCAN_NAME = "mentoring_sessions_soon"
SOON = datetime.timedelta(hours=24)


def register() -> None:
    """Called from the mentoring app's ready()."""
    for kind in KINDS:
        kinds.register(kind)
    schedule.register(SCAN_NAME, sessions_soon)


def space_url(relationship: Relationship) -> str:
    return reverse("mentoring_space", args=[relationship.pk])


def invite_url(session: Session) -> str:
    return reverse("mentoring_space_invite", args=[session.relationship_id, session.pk])


def _recipient(relationship: Relationship, role: str) -> tuple[Any, str]:
    """The member on ``role``'s side and their time zone."""
    user = relationship.mentee if role == Role.MENTEE else relationship.mentor
    return user, zone_name(relationship, role)


def _other(role: str) -> str:
    return Role.MENTOR if role == Role.MENTEE else Role.MENTEE


def _session_lines(session: Session, zone: str) -> list[str]:
    lines = [f"When: {describe(session.starts_at, zone)}, {session.minutes} minutes."]
    if session.location:
        lines.append(f"Where: {session.location}")
    if session.video_url:
        lines.append(f"Video call: {session.video_url}")
    return lines


def session_changed(session: Session, actor_role: str, what: str) -> None:
    """Tell the member who did not make the change ("scheduled", "changed",
    "cancelled"). Each change has its own sequence, so its own notification."""
    relationship = session.relationship
    actor = relationship.mentee if actor_role == Role.MENTEE else relationship.mentor
    user, zone = _recipient(relationship, _other(actor_role))
    name = display_name(actor)
    kind = {
        "scheduled": SESSION_SCHEDULED,
        "changed": SESSION_CHANGED,
        "cancelled": SESSION_CANCELLED,
    }[what]
    subject = {
        "scheduled": f"{name} scheduled a mentoring session",
        "changed": f"{name} changed your mentoring session",
        "cancelled": f"{name} cancelled your mentoring session",
    }[what]
    ics = absolute_url(invite_url(session))
    calendar = (
        f"Remove it from your calendar, or open the cancellation to do it for you: {ics}"
        if what == "cancelled"
        else f"Add it to your calendar: {ics}"
    )
    text = "\n".join([subject + ".", "", *_session_lines(session, zone), "", calendar])
    notify(
        user,
        kind.key,
        subject=subject,
        text=text,
        url=space_url(relationship),
        dedupe_key=f"session:{session.pk}:{session.sequence}",
    )


def relationship_closed(relationship: Relationship, closer_role: str, cancelled: int) -> None:
    closer = relationship.mentee if closer_role == Role.MENTEE else relationship.mentor
    user, _zone = _recipient(relationship, _other(closer_role))
    subject = f"{display_name(closer)} closed your mentoring relationship"
    lines = [
        f"{subject} in {relationship.programme.title}.",
        "",
        "Your shared space stays readable for you, and you can answer a short exit survey there.",
    ]
    if cancelled:
        lines.append(
            f"{cancelled} upcoming session{'s were' if cancelled != 1 else ' was'} cancelled: "
            "please remove them from your calendar."
        )
    if closer_role == Role.MENTOR:
        lines.append("You can ask to be matched with another mentor from the space.")
    notify(
        user,
        RELATIONSHIP_CLOSED.key,
        subject=subject,
        text="\n".join(lines),
        url=space_url(relationship),
        dedupe_key=f"closed:{relationship.pk}",
    )


def sessions_soon(now: datetime.datetime) -> int:
    """The scheduled scan: each member of an active pair hears about a
    session starting in the next 24 hours, once per session and version
    (a moved session is announced again)."""
    written = 0
    due = Session.objects.filter(
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + SOON,
        relationship__status=RelationshipStatus.ACTIVE,
    ).select_related("relationship__mentee", "relationship__mentor", "relationship__programme")
    for session in due:
        relationship = session.relationship
        for role in (Role.MENTEE, Role.MENTOR):
            user, zone = _recipient(relationship, role)
            other = display_name(
                relationship.mentor if role == Role.MENTEE else relationship.mentee
            )
            subject = f"Mentoring session with {other} within 24 hours"
            text = "\n".join(
                [
                    f"A reminder: you meet {other} soon.",
                    "",
                    *_session_lines(session, zone),
                    "",
                    f"The invitation: {absolute_url(invite_url(session))}",
                ]
            )
            key = f"soon:{session.pk}:{session.sequence}"
            if Notification.objects.filter(
                user=user, kind=SESSION_SOON.key, dedupe_key=key
            ).exists():
                continue
            if notify(
                user,
                SESSION_SOON.key,
                subject=subject,
                text=text,
                url=space_url(relationship),
                dedupe_key=key,
            ):
                written += 1
    return written
