"""Forms a learner fills on the journey. They parse; the services decide."""

import calendar
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict

from cms.integers import parse_int
from cms.names import clean_person_name, clean_printed_text, normalise
from learning.blocks import PRACTICE_CHANGE_CHOICES, RATING_CHOICES
from learning.models import Degree, LearnerProfile

from .questions import MAX_TEXT_ANSWER, EvaluationQuestion, TestQuestion

FIELD_PREFIX = "q-"
MAX_CHOICE_DIGITS = 6


def suggested_names(profile: LearnerProfile) -> dict[str, str]:
    """A first and last name guessed from the printed name, offered as the
    form's initial values while both are blank: never stored until the
    learner saves the form (PARS matches the names their boards hold)."""
    if profile.first_name or profile.last_name:
        return {}
    words = normalise(profile.full_name or "").split()
    if len(words) < 2:
        return {}
    return {"first_name": words[0], "last_name": words[-1]}


MONTH_CHOICES = [("", "Month"), *((i, calendar.month_name[i]) for i in range(1, 13))]
DAY_CHOICES = [("", "Day"), *((i, str(i)) for i in range(1, 32))]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = LearnerProfile
        fields = [
            "full_name",
            "first_name",
            "last_name",
            "credentials",
            "degree",
            "specialty",
            "npi",
            "time_zone",
            "birth_month",
            "birth_day",
        ]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Blank until the learner states it; the credit claim asks for it
        # (services.claim_credit), since it decides which certificate they receive.
        degree = cast(forms.TypedChoiceField, self.fields["degree"])
        degree.choices = [("", "Not stated yet (needed before you claim credit)"), *Degree.choices]
        # The form field checks the range itself, so an out-of-range month never
        # reaches LearnerProfile.clean() (which looks the month up in a list).
        for name, highest in (("birth_month", 12), ("birth_day", 31)):
            field = cast(forms.IntegerField, self.fields[name])
            field.min_value, field.max_value = 1, highest
            field.validators += [MinValueValidator(1), MaxValueValidator(highest)]
        # Month and day of birth as two labelled lists (the template groups them).
        self.fields["birth_month"].label = "Month"
        self.fields["birth_month"].widget = forms.Select(choices=MONTH_CHOICES)
        self.fields["birth_day"].label = "Day"
        self.fields["birth_day"].widget = forms.Select(choices=DAY_CHOICES)
        zone = self.fields["time_zone"]
        zone.help_text = "Dates on your certificates and your yearly totals follow it."
        if not self.is_bound:
            self.initial.update(suggested_names(self.instance))
            if self.instance.pk is None:
                # Never saved: static/js/time-zone-guess.js sets the browser's
                # zone and shows a note asking the learner to check it.
                zone.widget.attrs.update(
                    {
                        "data-guess-time-zone": "",
                        "aria-describedby": "id_time_zone_helptext time-zone-note",
                    }
                )

    def clean_first_name(self) -> str:
        name = normalise(self.cleaned_data["first_name"])
        return clean_person_name(name) if name else ""

    def clean_last_name(self) -> str:
        name = normalise(self.cleaned_data["last_name"])
        return clean_person_name(name) if name else ""

    def clean_full_name(self) -> str:
        name = normalise(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError("Enter your name as it should appear on certificates.")
        return clean_person_name(name)

    def clean_credentials(self) -> str:
        return clean_printed_text(self.cleaned_data["credentials"])

    def clean_npi(self) -> str:
        return self.cleaned_data["npi"].strip().replace(" ", "")


class ClaimForm(forms.Form):
    """Physicians claim credits; other professions state the hours they
    participated (``participation=True``). Both in the ``credits`` field."""

    credits = forms.CharField(
        label="Credits claimed",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    attested = forms.BooleanField(
        required=False,
        label="I claim only the credit commensurate with the extent of my participation in "
        "this activity.",
    )

    def __init__(self, *args: Any, participation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The error summary names a field by its label: this label is a whole
        # sentence, so the summary calls it by a short name instead.
        self.fields["attested"].error_label = "Attestation"  # type: ignore[attr-defined]
        if participation:
            self.fields["credits"].label = "Hours of participation"
            self.fields[
                "attested"
            ].label = "I attest that I participated in this activity for the hours I state."


def _forged(
    post: Mapping[str, object], questions: Iterable[TestQuestion | EvaluationQuestion]
) -> bool:
    known = {FIELD_PREFIX + q.id for q in questions}
    known |= {
        FIELD_PREFIX + q.id + "-how"
        for q in questions
        if getattr(q, "kind", "") == "practice_change"
    }
    return any(key.startswith(FIELD_PREFIX) and key not in known for key in post)


def parse_test_answers(
    post: QueryDict, questions: list[TestQuestion]
) -> tuple[dict[str, list[int]], str | None]:
    """POST data -> ({question id: [choice index]}, error message or None)."""
    if _forged(post, questions):
        return {}, "The answers do not match this post-test. Please reload the page and try again."
    answers: dict[str, list[int]] = {}
    for question in questions:
        values = post.getlist(FIELD_PREFIX + question.id)
        # Choice indexes are small numbers: a long one is refused before int().
        choices = [parse_int(v, max_digits=MAX_CHOICE_DIGITS) for v in values]
        if None in choices:
            return (
                {},
                "The answers do not match this post-test. Please reload the page and try again.",
            )
        answers[question.id] = sorted(set(choices))
    return answers, None


def _free_text(value: str) -> str:
    """NUL cannot be typed, and PostgreSQL cannot store it (in text or JSON): drop it."""
    return value.replace("\x00", "").strip()


def parse_evaluation_answers(
    post: QueryDict, questions: list[EvaluationQuestion]
) -> tuple[dict[str, Any], str | None]:
    """POST data -> ({question id: answer}, error message or None)."""
    if _forged(post, questions):
        return {}, "The answers do not match this evaluation. Please reload the page and try again."
    answers: dict[str, Any] = {}
    ratings = {str(value): value for value, _ in RATING_CHOICES}
    changes = {value for value, _ in PRACTICE_CHANGE_CHOICES}
    for question in questions:
        raw = post.get(FIELD_PREFIX + question.id, "")
        if question.kind == "rating":
            answers[question.id] = ratings.get(raw)
        elif question.kind == "text":
            answers[question.id] = _free_text(raw)[: MAX_TEXT_ANSWER + 1]
        else:
            how = _free_text(post.get(FIELD_PREFIX + question.id + "-how", ""))
            answers[question.id] = {"choice": raw if raw in changes else None, "how": how}
    return answers, None
