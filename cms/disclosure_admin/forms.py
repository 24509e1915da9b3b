"""Forms for the disclosure and CME review screens. They check only what a
form can (dates parse, a choice is made); the rules are in ``cms.disclosures``,
whose messages the views attach to these forms."""

from django import forms
from django.utils import timezone

from cms.choices import MitigationMethod, OwnerException, RelationshipNature
from cms.disclosures import Relationship
from cms.models.disclosures import LOOKBACK_MONTHS
from cms.rules import DATE_OUT_OF_RANGE, EARLIEST_DATE, LATEST_DATE

INELIGIBLE_COMPANY_HELP = (
    "An ineligible company is one whose primary business is producing, marketing, selling, "
    "re-selling or distributing healthcare products used by or on patients (for example "
    "drug, device and biotech companies), as the ACCME defines it. List every financial "
    f"relationship with one in the past {LOOKBACK_MONTHS} months, whatever the amount and "
    "whether or not you think it is relevant."
)

ATTESTATION = (
    "I attest this lists every financial relationship with an ineligible company in the past "
    f"{LOOKBACK_MONTHS} months, whatever the amount and whatever I think of its relevance, "
    "and that it is true and complete."
)


class RelationshipForm(forms.Form):
    company = forms.CharField(
        label="Ineligible company", max_length=160, help_text=INELIGIBLE_COMPANY_HELP
    )
    nature = forms.ChoiceField(
        label="Nature of the relationship",
        choices=[("", "Choose…"), *RelationshipNature.choices],
    )
    detail = forms.CharField(
        label="Detail (optional)",
        max_length=200,
        required=False,
        help_text="e.g. 'advisory board on anticoagulants'.",
    )
    started_on = forms.DateField(
        label="Started on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ended_on = forms.DateField(
        label="Ended on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ongoing = forms.BooleanField(label="Ongoing", required=False)

    def clean(self):
        data = super().clean()
        ended_on, ongoing = data.get("ended_on"), data.get("ongoing")
        if ongoing and ended_on:
            self.add_error(
                "ended_on", "An ongoing relationship has no end date: clear one or the other."
            )
        elif not ongoing and not ended_on and "ended_on" not in self.errors:
            self.add_error("ended_on", "Give the date it ended, or tick 'Ongoing'.")
        return data

    def relationship(self) -> Relationship:
        data = self.cleaned_data
        return Relationship(
            company=data["company"],
            nature=data["nature"],
            detail=data.get("detail", ""),
            started_on=data.get("started_on"),
            ended_on=None if data.get("ongoing") else data.get("ended_on"),
        )


class BaseRelationshipFormSet(forms.BaseFormSet):
    def live_forms(self) -> list[RelationshipForm]:
        """The filled-in rows that are not marked for removal, in screen order."""
        initial = self.initial_form_count()
        return [
            form
            for number, form in enumerate(self.forms)
            if (number < initial or form.has_changed()) and not self._should_delete_form(form)
        ]


RelationshipFormSet = forms.formset_factory(
    RelationshipForm, formset=BaseRelationshipFormSet, extra=2, can_delete=True
)


class DisclosureForm(forms.Form):
    none_to_disclose = forms.BooleanField(
        label=(
            f"I have had no financial relationship with any ineligible company in the past "
            f"{LOOKBACK_MONTHS} months"
        ),
        required=False,
        help_text="Tick this instead of listing relationships when there are none.",
    )
    given_on = forms.DateField(
        label="Signed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date the person signed (for a disclosure signed on paper).",
    )
    signed_name = forms.CharField(
        label="Signature: type your full name",
        max_length=160,
        help_text="Typing your name signs this disclosure.",
    )
    attest = forms.BooleanField(
        label=ATTESTATION,
        error_messages={"required": "Tick the attestation to sign the disclosure."},
    )

    def __init__(self, *args, staff_entry: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()
        if staff_entry:
            self.fields["signed_name"].label = "Signature: the name the person signed with"
            self.fields["attest"].label = f"The person made this attestation: “{ATTESTATION}”"
        else:
            # A person signs on the day they sign.
            del self.fields["given_on"]

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if not EARLIEST_DATE <= given_on <= LATEST_DATE:
            # Counting the look-back period back from year 1 leaves the calendar.
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return given_on


class DecisionForm(forms.Form):
    relevant = forms.TypedChoiceField(
        label="Relevant to this content?",
        choices=[("yes", "Relevant"), ("no", "Not relevant")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    mitigation = forms.ChoiceField(
        label="How it was mitigated (required if relevant)",
        choices=[("", "—"), *MitigationMethod.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        help_text="Why: kept in the audit history.",
    )


class ExceptionForm(forms.Form):
    exception = forms.ChoiceField(
        label="Standard 3 exception",
        choices=[("", "—"), *OwnerException.choices],
        required=False,
    )
    withdraw = forms.BooleanField(
        label="Withdraw the exception in force", required=False, initial=False
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        help_text="Why the exception applies (or why it is withdrawn): kept in the audit history.",
    )
