"""The forms of "Reporting your credit" (/me/profile/reporting/): state
licences, certifying boards with their IDs, and the consents, each with the
words the learner agrees to. The forms parse; consent.set_consent records."""

import unicodedata
from dataclasses import dataclass
from typing import Any, cast

from django import forms

from learning.boards import RULES, Board, ConsentScope, UsState
from learning.models import BoardCertification, LearnerProfile, ReportingConsent, StateLicence

PROVIDER = "the accredited provider of each activity"
PARS_WORDS = (
    f"I allow {PROVIDER} I complete on Curbside to report my CME credit to the Accreditation "
    "Council for Continuing Medical Education (ACCME) through its Program and Activity "
    "Reporting System (PARS). ACCME shares it with the state medical boards that use PARS."
)


def board_words(board: str) -> str:
    rules = RULES[board]
    return (
        f"I allow {PROVIDER} to send my completions and MOC points, with my {board} ID, name "
        f"and month and day of birth, to ACCME so that they reach the {Board(board).label} "
        f"for its {rules.program} programme."
    )


def state_words(state: str) -> str:
    return (
        f"I allow {PROVIDER} to send my CME credit, with my {UsState(state).label} licence "
        "number, name and month and day of birth, to ACCME so that it is available to the "
        f"{UsState(state).label} medical licensing board."
    )


class LicenceForm(forms.ModelForm):
    class Meta:
        model = StateLicence
        fields = ["state", "number"]

    def __init__(self, *args: Any, profile: LearnerProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.profile = profile
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", "Choose a state"),
            *UsState.choices,
        ]
        if self.instance.pk:
            self.fields["state"].disabled = True  # a change of state is a new licence

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean(self) -> dict[str, Any]:
        # The (profile, state) constraint is not checked by the form: the
        # profile is not one of its fields.
        data = super().clean() or {}
        state = data.get("state")
        if not self.instance.pk and state and self.instance.profile.licences.filter(state=state):
            self.add_error(
                "state", "You already listed a licence in this state: change its number."
            )
        return data


def ascii_digit(ch: str) -> str:
    """``ch`` as an ASCII digit if it is a decimal digit of any script, else ``ch``."""
    digit = unicodedata.decimal(ch, None)
    return ch if digit is None else str(digit)


class BoardForm(forms.ModelForm):
    class Meta:
        model = BoardCertification
        fields = ["board", "board_id"]

    def __init__(self, *args: Any, profile: LearnerProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.profile = profile
        cast(forms.ChoiceField, self.fields["board"]).choices = [
            ("", "Choose a board"),
            *Board.choices,
        ]
        if self.instance.pk:
            self.fields["board"].disabled = True

    def clean_board_id(self) -> str:
        """Without spaces, and with every decimal digit written in ASCII: a
        learner typing with a full-width (Japanese, Chinese) or Arabic-Indic
        keyboard means the same ID, and boards and PARS know only 0-9. Other
        digit-like signs (superscripts, circled numbers) are kept, and the
        model's check refuses them with the board's hint."""
        value = "".join(self.cleaned_data["board_id"].split())
        return "".join(ascii_digit(ch) for ch in value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        board = data.get("board")
        if not self.instance.pk and board and self.instance.profile.boards.filter(board=board):
            self.add_error("board", "You already listed this board: change its ID instead.")
        return data


@dataclass(frozen=True)
class ConsentLine:
    """One consent the page offers, with the learner's current answer and history."""

    field: str  # the checkbox's name
    scope: str
    body: str
    title: str
    words: str
    current: ReportingConsent | None
    history: list[ReportingConsent]


def consent_lines(profile: LearnerProfile) -> list[ConsentLine]:
    """PARS, then one per listed board, then one per listed licence's state."""
    records = list(ReportingConsent.objects.filter(profile=profile).order_by("-given_at", "-pk"))
    wanted = [(ConsentScope.PARS.value, "", "ACCME's PARS (CME credit)", PARS_WORDS)]
    wanted += [
        (ConsentScope.BOARD.value, b.board, b.get_board_display(), board_words(b.board))
        for b in profile.boards.all()
    ]
    wanted += [
        (
            ConsentScope.STATE.value,
            lic.state,
            f"{lic.get_state_display()} medical board",
            state_words(lic.state),
        )
        for lic in profile.licences.all()
    ]
    lines = []
    for scope, body, title, words in wanted:
        mine = [r for r in records if r.scope == scope and r.body == body]
        current = next((r for r in mine if r.withdrawn_at is None), None)
        field = f"consent-{scope}-{body}" if body else f"consent-{scope}"
        lines.append(ConsentLine(field, scope, body, title, words, current, mine[:5]))
    return lines
