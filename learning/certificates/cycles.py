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
    start = cycle.starts_on
    if today >= start:
        # Jump close, then step: a cycle is whole years from the first start.
        steps = max((today.year - start.year) // cycle.years - 1, 0)
        start = add_years(cycle.starts_on, steps * cycle.years)
        while add_years(start, cycle.years) <= today:
            start = add_years(start, cycle.years)
    return start, add_years(start, cycle.years)


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
