"""A session's calendar invitation (RFC 5545, with the icalendar library).

One VEVENT per session: UID stable for the session's life, SEQUENCE bumped on
every change so calendars replace the earlier copy, times in UTC (each
calendar shows them in its owner's zone), the pair as ORGANIZER (who
scheduled it) and ATTENDEE, the video-call link as LOCATION and URL, and a
reminder 30 minutes before. A cancelled session is METHOD:CANCEL with
STATUS:CANCELLED, which removes it from the calendars that had it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from cms.site_url import absolute_url

from ..models import Session, SessionStatus
from .people import display_name

PRODID = "-//Curbside//Mentoring sessions//EN"
REMIND_BEFORE = datetime.timedelta(minutes=30)


def _address(user: Any) -> vCalAddress | None:
    if user is None or not user.email:
        return None
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(display_name(user))
    address.params["ROLE"] = vText("REQ-PARTICIPANT")
    return address


def invitation(session: Session, now: datetime.datetime) -> bytes:
    relationship = session.relationship
    cancelled = session.status == SessionStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    mentee, mentor = relationship.mentee, relationship.mentor
    event = Event()
    event.add("uid", f"{session.uid}@curbside")
    event.add("sequence", session.sequence)
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(datetime.UTC))
    event.add("dtend", session.ends_at.astimezone(datetime.UTC))
    event.add(
        "summary",
        f"Mentoring: {display_name(mentor)} and {display_name(mentee)}",
    )
    description = [f"Mentoring session in {relationship.programme.title}."]
    if session.agenda:
        description += ["", session.agenda]
    space = absolute_url(reverse("mentoring_space", args=[relationship.pk]))
    description += ["", f"Your mentoring space: {space}"]
    event.add("description", "\n".join(description))
    if session.video_url:
        event.add("location", session.video_url)
        event.add("url", session.video_url)
    elif session.location:
        event.add("location", session.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")

    organizer_user = session.created_by if session.created_by_id else mentor
    organizer = _address(organizer_user)
    if organizer is not None:
        event.add("organizer", organizer)
    for user in (mentee, mentor):
        attendee = _address(user)
        if attendee is not None:
            event.add("attendee", attendee, encode=False)

    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Mentoring session in 30 minutes")
        alarm.add("trigger", -REMIND_BEFORE)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def filename(session: Session) -> str:
    return f"mentoring-session-{session.starts_at:%Y-%m-%d}.ics"
