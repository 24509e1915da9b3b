"""The kinds of notification, registered by the apps that send them.

Each app registers its kinds in its ``AppConfig.ready`` (or at import of its
notices module), so this package knows nothing of learning or mentoring. A
recipient turns each kind on or off on /me/notifications/settings/ or with
the one-click link in every e-mail of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    key: str  # stored on every notification; never renamed
    label: str  # "Reminders when you have not opened a path for a week"
    description: str = ""  # one sentence under the label on the settings page
    group: str = "Other"  # heading on the settings page ("Learning paths", "Mentoring")
    default_on: bool = True


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register ``kind``; registering the same kind again is harmless, a
    different kind under a key already taken is a programming error."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.key!r} is already registered differently.")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}.") from None


def exists(key: str) -> bool:
    return key in _KINDS


def all_kinds() -> list[Kind]:
    """Every kind, grouped and in registration order within a group."""
    groups: dict[str, list[Kind]] = {}
    for kind in _KINDS.values():
        groups.setdefault(kind.group, []).append(kind)
    return [kind for group in sorted(groups) for kind in groups[group]]
