"""The forms people fill in mentoring. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from .availability import format_windows, parse_windows
from .models import Experience, MenteeProfile, MentorOffer, Topic

PRIVATE_NOTE = (
    "Private: only the matching and the programme's staff use this. It is never shown "
    "on your profile or any public page, and you can change or clear it at any time."
)
AVAILABILITY_HELP = (
    "One weekly window a line, in your own time zone, e.g. “Tue 18:00-21:00” or "
    "“Sat 9-11”. A window may run past midnight (“Fri 22:00-01:00”)."
)
MAX_MESSAGE = 2000


def split_list(text: str) -> list[str]:
    """ "English, Spanish" or one a line, as a list without repeats (case aside)."""
    seen: set[str] = set()
    items = []
    for part in text.replace("\n", ",").replace(";", ",").split(","):
        cleaned = " ".join(part.split())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            items.append(cleaned)
    return items


def _checkboxes(choices: Any, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class MatchingForm(forms.ModelForm):
    """What both forms share: languages, time zone and weekly windows."""

    languages = forms.CharField(
        max_length=400,
        help_text="Separated by commas, the one you would rather meet in first "
        "(e.g. “English, Spanish”).",
    )
    availability = forms.CharField(
        label="Hours you can meet",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=AVAILABILITY_HELP,
    )
    list_fields: tuple[str, ...] = ("languages",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name in self.list_fields:
                self.initial[name] = ", ".join(getattr(self.instance, name) or [])
            self.initial["availability"] = format_windows(self.instance.availability)
        self.fields["time_zone"].help_text = "Your hours below are in this time zone."
        if self.instance.pk is None:
            self.fields["time_zone"].widget.attrs.update(
                {
                    "data-guess-time-zone": "",
                    "aria-describedby": "id_time_zone_helptext time-zone-note",
                }
            )

    def clean_languages(self) -> list[str]:
        languages = split_list(self.cleaned_data["languages"])
        if not languages:
            raise forms.ValidationError("Give at least one language you can meet in.")
        if len(languages) > 12 or any(len(x) > 80 for x in languages):
            raise forms.ValidationError("Give at most 12 languages, each in a few words.")
        return languages

    def clean_availability(self) -> list[dict[str, Any]]:
        return parse_windows(self.cleaned_data["availability"])


class MenteeProfileForm(MatchingForm):
    goals = _checkboxes(Topic.choices, "What you would like help with")
    wants_shared = _checkboxes(
        Experience.choices,
        "Would you like your mentor to share any of these experiences?",
        PRIVATE_NOTE,
    )
    own_experiences = _checkboxes(
        Experience.choices,
        "Experiences of your own you are happy to tell the matching",
        PRIVATE_NOTE,
    )

    class Meta:
        model = MenteeProfile
        fields = [
            "career_stage",
            "specialty",
            "goals",
            "goal_text",
            "languages",
            "time_zone",
            "availability",
            "department",
            "institution_name",
            "wants_shared",
            "own_experiences",
        ]
        widgets = {"goal_text": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}
        help_texts = {
            "department": "Only used if a mentor asks not to mentor people from their own "
            "department.",
        }


class MentorOfferForm(MatchingForm):
    topics = _checkboxes(Topic.choices, "What you mentor on")
    specialties = forms.CharField(
        max_length=400,
        help_text="Separated by commas (e.g. “Internal medicine, Hospital medicine”).",
    )
    shares = _checkboxes(
        Experience.choices,
        "Experiences you are willing to share with a mentee",
        "Private: only the matching and the programme's staff use this, to suggest you to "
        "mentees who asked for it. It is never shown on your public profile.",
    )
    list_fields = ("languages", "specialties")

    class Meta:
        model = MentorOffer
        fields = [
            "topics",
            "specialties",
            "languages",
            "time_zone",
            "availability",
            "capacity",
            "department",
            "institution_name",
            "excludes_own_department",
            "shares",
        ]

    def clean_specialties(self) -> list[str]:
        specialties = split_list(self.cleaned_data["specialties"])
        if not specialties:
            raise forms.ValidationError("Give at least one specialty.")
        if len(specialties) > 12 or any(len(x) > 80 for x in specialties):
            raise forms.ValidationError("Give at most 12 specialties, each in a few words.")
        return specialties

    def clean_topics(self) -> list[str]:
        topics = self.cleaned_data["topics"]
        if not topics:
            raise forms.ValidationError("Choose at least one thing you mentor on.")
        return list(topics)


class AskForm(forms.Form):
    message = forms.CharField(
        label="A few words to the mentor",
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what you hope to work on together.",
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="A note for the mentee",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
