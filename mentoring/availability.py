"""Weekly availability windows as stored (JSON) and as typed (one per line).

Stored on a profile as ``[{"weekday": 1, "start": "18:00", "end": "21:00"}]``
(``weekday`` 0 is Monday), checked by building the matching engine's
``Availability``. People type them as lines such as ``Tue 18:00-21:00``.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from .matching import Availability

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = {
    **{day.lower(): index for index, day in enumerate(DAYS)},
    **{
        name: index
        for index, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_LINE = re.compile(rf"^\s*([A-Za-z]+)\.?,?\s+{_TIME}\s*(?:-|–|to)\s*{_TIME}\s*$")
MAX_WINDOWS = 21

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(available_timezones())]


def validate_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(f"“{name}” is not a time zone we know.") from error


def _time(hours: str, minutes: str | None, line: str) -> time:
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0:
        return time(0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValidationError(f"“{line}”: {hours}:{minutes or '00'} is not a time of day.")
    return time(h, m)


def parse_windows(text: str) -> list[dict[str, Any]]:
    """Lines such as "Tue 18:00-21:00" as stored windows; ``ValidationError``
    naming the line that cannot be read."""
    windows: list[dict[str, Any]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match or match.group(1).lower() not in _DAY_NAMES:
            raise ValidationError(
                f"“{line}” is not a window we can read. Write a day and two times, "
                "e.g. “Tue 18:00-21:00”."
            )
        day, sh, sm, eh, em = match.groups()
        start, end = _time(sh, sm, line), _time(eh, em, line)
        if start == end:
            raise ValidationError(f"“{line}” starts and ends at the same time.")
        windows.append(
            {"weekday": _DAY_NAMES[day.lower()], "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
        )
    validate_windows(windows)
    return windows


def format_windows(windows: list[dict[str, Any]]) -> str:
    """Stored windows as the lines people type."""
    return "\n".join(f"{DAYS[w['weekday']]} {w['start']}-{w['end']}" for w in windows or [])


def to_availability(windows: list[dict[str, Any]]) -> tuple[Availability, ...]:
    """Stored windows as the engine's ``Availability`` (assumes they are valid)."""
    return tuple(
        Availability(
            int(w["weekday"]), time.fromisoformat(w["start"]), time.fromisoformat(w["end"])
        )
        for w in windows or []
    )


def validate_windows(value: Any) -> None:
    """A list of at most 21 windows the engine accepts."""
    if not isinstance(value, list):
        raise ValidationError("Availability must be a list of weekly windows.")
    if len(value) > MAX_WINDOWS:
        raise ValidationError(f"Give at most {MAX_WINDOWS} weekly windows.")
    for window in value:
        try:
            if not isinstance(window, dict) or set(window) != {"weekday", "start", "end"}:
                raise ValueError("each window needs a weekday, a start and an end")
            Availability(
                int(window["weekday"]),
                time.fromisoformat(str(window["start"])),
                time.fromisoformat(str(window["end"])),
            )
        except (TypeError, ValueError) as error:
            raise ValidationError(f"A weekly window cannot be used: {error}") from error


@deconstructible
class ChoiceListValidator:
    """A JSON list whose items are among ``values`` (given as a tuple, so
    migrations can write it down)."""

    def __init__(self, values: tuple[str, ...], label: str) -> None:
        self.values = tuple(values)
        self.label = label

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list) or any(str(v) not in self.values for v in value):
            raise ValidationError(f"Choose {self.label} from the list.")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ChoiceListValidator)
            and self.values == other.values
            and self.label == other.label
        )

    def __hash__(self) -> int:
        return hash((self.values, self.label))


def validate_text_list(value: Any) -> None:
    """A JSON list of short, non-empty texts (languages, specialties)."""
    if not isinstance(value, list) or any(
        not isinstance(v, str) or not v.strip() or len(v) > 80 for v in value
    ):
        raise ValidationError("Give each item as a short text (80 characters at most).")
    if len(value) > 12:
        raise ValidationError("Give at most 12 items.")
