"""Options the learning app's management commands share."""

import datetime

from django.core.management.base import CommandError


def parse_today(value: str | None) -> datetime.date | None:
    """The ``--today YYYY-MM-DD`` option as a date (None when not given)."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2031-12-31, not {value!r}.") from None
