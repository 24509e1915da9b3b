"""The date range a path's report covers: from and to, both included, in the
site's time zone. By default from the path's release date to today. A bad
range is never an error page: the report shows the default range and says why."""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from learning.models import LearningPathPage

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
LONGEST = datetime.timedelta(days=366 * 10)
# Up to this many days the charts count per week, beyond it per month.
WEEKLY_UP_TO = 120


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def since(self) -> datetime.datetime:
        """The first instant of the range (aware)."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def until(self) -> datetime.datetime:
        """The first instant after the range (aware)."""
        day_after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    @property
    def weekly(self) -> bool:
        return (self.end - self.start).days < WEEKLY_UP_TO

    @property
    def query(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"


def default_period(path: LearningPathPage) -> Period:
    today = timezone.localdate()
    return Period(start=min(path.release_date, today), end=today)


class PeriodForm(forms.Form):
    # The fields are named as the query string names them (?from=…&to=…).
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the start date as a date, for example 2026-03-01."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the end date as a date, for example 2026-03-31."},
    )

    def __init__(self, data: Any, *, default: Period) -> None:
        asked = bool(data.get("from") or data.get("to"))
        super().__init__(
            data if asked else None, initial={"start": default.start, "end": default.end}
        )
        self.default = default

    def add_prefix(self, field_name: str) -> str:
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start") or self.default.start
        end = data.get("end") or self.default.end
        if self.errors:
            return data
        for value in (start, end):
            if not EARLIEST <= value <= LATEST:
                raise forms.ValidationError(
                    "Choose dates between 1 January 2000 and 31 December 2099."
                )
        if start > end:
            raise forms.ValidationError("The start date must be on or before the end date.")
        if end - start > LONGEST:
            raise forms.ValidationError("Choose a range of at most 10 years.")
        data["period"] = Period(start=start, end=end)
        return data

    @property
    def period(self) -> Period:
        """The range asked for when it is valid, otherwise the default range."""
        if self.is_bound and self.is_valid():
            period: Period = self.cleaned_data["period"]
            return period
        return self.default
