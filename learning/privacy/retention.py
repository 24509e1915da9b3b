"""How long a deleted account's certificates are kept: 6 years from issue,
as accreditors require (docs/privacy.md)."""

import datetime

from django.utils import timezone

RETENTION_YEARS = 6


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retain_until(issued_at: datetime.datetime) -> datetime.date:
    """The last day a certificate issued at ``issued_at`` is kept after its
    learner deleted their account."""
    return add_years(timezone.localdate(issued_at), RETENTION_YEARS)
