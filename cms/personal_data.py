"""What each app holds about a person, for the privacy export.

The privacy export (learning.privacy) lists the account, learning records and
certificates itself; every other app registers a section here in its
``AppConfig.ready`` (notifications, mentoring), so the export covers all of
them without importing apps above it. A section is a function of the user
returning JSON-serialisable data (dates and decimals are fine).

Account deletion needs no registration for rows that hang from the user with
``on_delete=CASCADE``: they are deleted with the user, or by the anonymising
step when the user row is kept as a tombstone. An app with other personal data
(files, rows that must outlive the user) registers an eraser, run inside the
deletion's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Section = Callable[[Any], Any]
Eraser = Callable[[Any], None]

_SECTIONS: dict[str, Section] = {}
_ERASERS: dict[str, Eraser] = {}


def register_section(name: str, section: Section) -> None:
    _SECTIONS[name] = section


def register_eraser(name: str, eraser: Eraser) -> None:
    _ERASERS[name] = eraser


def export_sections(user: Any) -> dict[str, Any]:
    """Every registered section for ``user``, by name."""
    return {name: _SECTIONS[name](user) for name in sorted(_SECTIONS)}


def erase(user: Any) -> None:
    for name in sorted(_ERASERS):
        _ERASERS[name](user)
