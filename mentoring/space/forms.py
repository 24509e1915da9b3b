"""The space's forms. They check shapes (required, lengths, choices); the
rules (past times, overlaps, who may do what) are the services', whose
messages the views attach to the right field. A form that fails keeps
everything the member typed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from cms.integers import BoundedIntegerField

from ..models import Cadence, ExitReason, GoalStatus, NoteVisibility, Topic
from ..models.sessions import DURATIONS
from ..models.space import MAX_LONG_TEXT, MAX_NOTE
from .errors import SpaceError
from .zones import to_utc


class AgreementForm(forms.Form):
    goals = forms.CharField(
        label="What we want to work on",
        max_length=MAX_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines in your own words: what the mentee hopes to get from this.",
    )
    cadence = forms.ChoiceField(label="How often we meet", choices=Cadence.choices)
    contact = forms.CharField(
        label="How to reach each other",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: e-mail for planning, a text message if running late.",
    )
    confidentiality = forms.CharField(
        label="Confidentiality",
        max_length=MAX_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Both of you accept this. Change it if you agree on something else.",
    )


class GoalForm(forms.Form):
    title = forms.CharField(label="Goal", max_length=160)
    topic = forms.ChoiceField(label="About", choices=Topic.choices)
    target_date = forms.DateField(
        label="Target date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date, for example 2026-09-30."},
    )


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=GoalStatus.choices)


class CheckInForm(forms.Form):
    note = forms.CharField(
        label="How is it going?", max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )
    progress = BoundedIntegerField(
        label="Progress (%)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        error_messages={"invalid": "Enter a whole number from 0 to 100."},
    )


class SessionForm(forms.Form):
    """Date and time are typed in the member's own time zone, named on the
    form; ``clean`` turns them into UTC (``starts_at``). A time whose UTC
    equivalent falls outside the calendar (31 December 9999 west of UTC) is a
    message on the form, never an error page; the service refuses anything
    more than a year ahead."""

    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date, for example 2026-09-30."},
    )
    time = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Enter a time, for example 18:30."},
    )
    minutes = forms.TypedChoiceField(
        label="How long",
        coerce=int,
        choices=[(m, f"{m} minutes") for m in DURATIONS],
        initial=60,
    )
    location = forms.CharField(label="Where", max_length=200, required=False)
    video_url = forms.CharField(
        label="Video-call link",
        max_length=500,
        required=False,
        help_text="Optional. Paste the https:// link from your video-call app.",
    )
    agenda = forms.CharField(
        label="What we plan to talk about",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["time"].help_text = f"In your time zone: {zone}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, at = data.get("date"), data.get("time")
        if day is not None and at is not None:
            try:
                data["starts_at"] = to_utc(datetime.datetime.combine(day, at), self.zone, "time")
            except SpaceError as error:
                self.add_error("time", error.message)
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note", max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label="Who can read it",
        choices=NoteVisibility.choices,
        initial=NoteVisibility.SHARED,
        widget=forms.RadioSelect,
    )


class ExitSurveyForm(forms.Form):
    reason = forms.ChoiceField(
        label="The main reason", choices=ExitReason.choices, widget=forms.RadioSelect
    )
    rating = forms.TypedChoiceField(
        label="How useful was this mentoring? (1 not at all, 5 very)",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend this mentoring to a colleague?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Anything else you would like to tell the programme",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your answers go to the programme's staff for its report, "
        "not to your mentoring partner.",
    )
