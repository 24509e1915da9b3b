"""Each member's time zone, and times typed in it.

A member's time zone is the one on what they filled in for this programme:
the mentee's profile for the mentee, the mentor's offer for the mentor (UTC
when there is none). Times are stored in UTC and shown in the viewer's zone.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..models import MenteeProfile, MentorOffer, Relationship, Role
from .errors import SpaceError

UTC = datetime.UTC


def zone_name(relationship: Relationship, role: str) -> str:
    if role == Role.MENTEE:
        name = (
            MenteeProfile.objects.filter(user_id=relationship.mentee_id)
            .values_list("time_zone", flat=True)
            .first()
        )
    else:
        name = (
            MentorOffer.objects.filter(user_id=relationship.mentor_id)
            .values_list("time_zone", flat=True)
            .first()
        )
    return name or "UTC"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(moment: datetime.datetime, name: str) -> datetime.datetime:
    return moment.astimezone(zone(name))


def describe(moment: datetime.datetime, name: str) -> str:
    """'Tuesday 10 March 2026, 18:00 (America/Chicago, CDT)'."""
    here = local(moment, name)
    return f"{here:%A} {here.day} {here:%B %Y, %H:%M} ({name}, {here.tzname()})"


def to_utc(wall: datetime.datetime, name: str, field: str = "starts_at") -> datetime.datetime:
    """A wall-clock time typed in zone ``name`` as UTC. A time that does not
    exist there (the hour skipped when clocks go forward) is refused; a time
    that happens twice (when clocks go back) is the first of the two. A time
    whose UTC equivalent falls outside the calendar (31 December 9999 west of
    UTC, 1 January of year 1 east of it) is refused with a message."""
    tz = zone(name)
    naive = wall.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz, fold=0)
    try:
        back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise SpaceError(
            f"{naive.day} {naive:%B} {naive.year} is outside the dates we can schedule. "
            "Choose a date within the next year.",
            field,
        ) from None
    if back != naive:
        raise SpaceError(
            f"{naive:%H:%M} does not exist on {naive:%d %B %Y} in {name}: the clocks go "
            "forward then. Please choose another time.",
            field,
        )
    return aware.astimezone(UTC)
