"""Totals per credit type across Curbside's certificates and credit from
elsewhere, and where a learner stands in each licence cycle.

Curbside's AMA PRA certificates count as AMA PRA Category 1 Credit™.
Certificates of participation state hours, not credit: they stay apart (as on
the rest of the transcript) and never count towards a licence cycle.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from learning.boards import ExternalCreditType
from learning.models import Certificate, ExternalCredit, LicenceCycle

from .kinds import is_participation


@dataclass(frozen=True)
class Entry:
    """One amount of credit of one type, on one day."""

    day: datetime.date
    credit_type: str
    amount: Decimal


@dataclass(frozen=True)
class TypeTotal:
    credit_type: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class CycleStatus:
    cycle: LicenceCycle
    starts_on: datetime.date
    ends_on: datetime.date  # the last day of the cycle
    counted: Decimal
    required: Decimal
    upcoming: bool  # today is before the first cycle

    @property
    def left(self) -> Decimal:
        return max(self.required - self.counted, Decimal(0))

    @property
    def met(self) -> bool:
        return self.counted >= self.required


def entries(certificates: Iterable[Certificate], external: Iterable[ExternalCredit]) -> list[Entry]:
    """Every amount of credit (never participation hours), by type."""
    found = [
        Entry(c.completion_date, ExternalCreditType.AMA_1, c.credits)
        for c in certificates
        if not is_participation(c.kind)
    ]
    found += [Entry(e.completed_on, e.credit_type, e.amount) for e in external]
    return found


def totals_by_type(items: Iterable[Entry]) -> list[TypeTotal]:
    """Totals per credit type, in the order of ExternalCreditType."""
    sums: dict[str, Decimal] = {}
    for item in items:
        sums[item.credit_type] = sums.get(item.credit_type, Decimal(0)) + item.amount
    return [
        TypeTotal(value, str(label), sums[value])
        for value, label in ExternalCreditType.choices
        if value in sums
    ]


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def cycle_bounds(cycle: LicenceCycle, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, first day of the next cycle) of the cycle ``today`` is in;
    the first cycle when ``today`` is before it starts."""
    first = cycle.starts_on
    # Cycle k starts k * years after the first start, always counted from the
    # first start: one starting on 29 February starts on the 29th again in a
    # leap year (on the 28th in between), never drifting to the 28th.
    k = 0
    if today >= first:
        # Jump close, then step.
        k = max((today.year - first.year) // cycle.years - 1, 0)
        while add_years(first, (k + 1) * cycle.years) <= today:
            k += 1
    return add_years(first, k * cycle.years), add_years(first, (k + 1) * cycle.years)


def cycle_status(cycle: LicenceCycle, items: list[Entry], today: datetime.date) -> CycleStatus:
    start, following = cycle_bounds(cycle, today)
    counted = sum(
        (
            item.amount
            for item in items
            if start <= item.day < following
            and (cycle.counts == "all" or item.credit_type == ExternalCreditType.AMA_1)
        ),
        Decimal(0),
    )
    return CycleStatus(
        cycle=cycle,
        starts_on=start,
        ends_on=following - datetime.timedelta(days=1),
        counted=counted,
        required=cycle.credits_required,
        upcoming=today < cycle.starts_on,
    )
