"""The consult forms. They only shape input; the services decide (and check
the text for patient identifiers again on the server)."""

from __future__ import annotations

from typing import Any

from django import forms

from ..models import ReportReason
from ..models.consults import ANSWER_MAX, BODY_MAX, TITLE_MAX
from .identifiers import Finding, find_identifiers

CONFIRM_LABEL = "I confirm this contains no patient identifiers"


class QuestionForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        help_text="One line: what you would like to know.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label="Your question",
        max_length=BODY_MAX,
        help_text="Describe the situation in general terms. Leave out anything that could "
        "identify a patient: names, dates of birth, record numbers, phone numbers, addresses.",
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    confirm_no_identifiers = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    findings: list[Finding]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.findings = []

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        title, body = data.get("title", "").strip(), data.get("body", "").strip()
        if title and body:
            self.findings = find_identifiers(f"{title}\n\n{body}")
            if self.findings and not data.get("confirm_no_identifiers"):
                self.add_error(
                    "body",
                    "This may contain patient identifiers (highlighted below). Remove them, "
                    "or tick the box to confirm there are none.",
                )
        return data

    @property
    def checked_text(self) -> str:
        """The text the findings' positions refer to."""
        title = (self.data.get("title") or "").strip()
        body = (self.data.get("body") or "").strip()
        return f"{title}\n\n{body}"


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="General guidance for a colleague; it does not replace their own judgment "
        "of the patient in front of them.",
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=ReportReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything the moderators should know",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
