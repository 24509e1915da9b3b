"""The credit claim's rules and words, by profession.

Physicians claim AMA PRA Category 1 Credit™: up to the path's maximum, in
quarter credits, commensurate with their participation. Everyone else states
the hours they participated under the same rules and attests to them; they
receive a certificate of participation (learning.certificates.kinds), never
AMA PRA credit. Both amounts are stored in ``CreditClaim.credits``.
"""

import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User

from cms.credits import format_credits
from learning.boards import Board, ConsentScope
from learning.exceptions import InvalidAnswer
from learning.models import (
    BoardCertification,
    LearnerProfile,
    LearningPathPage,
    PathMocRegistration,
    ReportingConsent,
)
from learning.rules import CREDITS_NOT_A_NUMBER, in_quarters, parse_credits

NAME_FIRST = "Add your name as it should be printed on certificates (your profile) first."
DEGREE_FIRST = (
    "Tell us your profession and degree (your profile) first: physicians receive an "
    "AMA PRA Category 1 Credit™ certificate, other professions a certificate of participation."
)


@dataclass(frozen=True)
class ClaimWords:
    """What the claim page and its errors say to one profession."""

    too_little: str
    too_much: str  # formatted with the maximum
    not_quarters: str
    not_a_number: str
    not_attested: str
    done: str  # formatted with the path's title and the amount


PHYSICIAN = ClaimWords(
    too_little="Claim more than zero credits.",
    too_much="You can claim at most {maximum} credits for this activity.",
    not_quarters="Claim credits in quarter credits (0.25, 0.5, 0.75...).",
    not_a_number=CREDITS_NOT_A_NUMBER,
    not_attested="Tick the box to confirm the credit you claim.",
    done="Path complete: you claimed credit for “{title}”.",
)
PARTICIPANT = ClaimWords(
    too_little="State more than zero hours.",
    too_much="You can state at most {maximum} hours for this activity.",
    not_quarters="State hours in quarter hours (0.25, 0.5, 0.75...).",
    not_a_number="Enter the hours as a number, such as 1.5.",
    not_attested="Tick the box to confirm the hours you state.",
    done="Path complete: you recorded {amount} of participation in “{title}”.",
)


def words_for(profile: LearnerProfile | None) -> ClaimWords:
    """Physician wording unless the learner has stated another profession."""
    if profile is None or not profile.degree or profile.is_physician:
        return PHYSICIAN
    return PARTICIPANT


def claimant_profile(user: User) -> LearnerProfile:
    """The learner's profile, once it has what a certificate needs: a name to
    print and a profession (which decides the kind). InvalidAnswer otherwise."""
    profile = LearnerProfile.objects.filter(user=user).first()
    if profile is None or not profile.full_name.strip():
        raise InvalidAnswer(NAME_FIRST, field="profile")
    if not profile.degree:
        raise InvalidAnswer(DEGREE_FIRST, field="profile")
    return profile


def claimed_amount(
    path: LearningPathPage, raw: object, attested: bool, profile: LearnerProfile
) -> decimal.Decimal:
    """The credits (physicians) or hours (everyone else) claimed, checked
    against the path; InvalidAnswer in the learner's own terms otherwise."""
    words = words_for(profile)
    try:
        amount = parse_credits(raw)
    except InvalidAnswer:
        raise InvalidAnswer(words.not_a_number, field="credits") from None
    if amount <= 0:
        raise InvalidAnswer(words.too_little, field="credits")
    if amount > path.max_credits:
        maximum = format_credits(path.max_credits)
        raise InvalidAnswer(words.too_much.format(maximum=maximum), field="credits")
    if not in_quarters(amount):
        raise InvalidAnswer(words.not_quarters, field="credits")
    if not attested:
        raise InvalidAnswer(words.not_attested, field="attested")
    return amount


# --- MOC: the boards a physician may have this completion reported to -------

MOC_NOT_REGISTERED = "This activity is not registered for MOC with that board."
MOC_NEEDS_ID = "Add your {board} ID to your reporting details before you report to {board}."
MOC_PHYSICIANS_ONLY = "MOC reporting is for physicians who claim credit."


@dataclass(frozen=True)
class MocChoice:
    """One checkbox on the claim page: a board the path is registered with."""

    board: str
    label: str  # "Report this completion to ... for MOC (2 Medical Knowledge points)"
    has_id: bool  # without the learner's board ID, the box is disabled
    preticked: bool  # no per-claim consent asked, and the learner's standing consent given


def _points_text(registrations: list[PathMocRegistration]) -> str:
    parts = [f"{format_credits(r.points)} {r.credit_type_label}" for r in registrations]
    return " and ".join(parts) + " points"


def moc_choices(path: LearningPathPage, profile: LearnerProfile | None) -> list[MocChoice]:
    """The MOC boxes a physician sees on ``path``'s claim page ([] for others)."""
    if profile is None or not profile.is_physician:
        return []
    by_board: dict[str, list[PathMocRegistration]] = {}
    for registration in PathMocRegistration.objects.filter(page=path).order_by("sort_order", "pk"):
        by_board.setdefault(registration.board, []).append(registration)
    if not by_board:
        return []
    ids = set(BoardCertification.objects.filter(profile=profile).values_list("board", flat=True))
    consented = set(
        ReportingConsent.objects.active()
        .filter(profile=profile, scope=ConsentScope.BOARD)
        .values_list("body", flat=True)
    )
    return [
        MocChoice(
            board=board,
            label=f"Report this completion to the {Board(board).label} for MOC "
            f"({_points_text(registrations)})",
            has_id=board in ids,
            preticked=not path.moc_consent_required and board in consented and board in ids,
        )
        for board, registrations in by_board.items()
    ]


def chosen_boards(
    path: LearningPathPage, profile: LearnerProfile, boards: Iterable[str]
) -> list[str]:
    """The boards ticked, checked against the path and the learner (a forged
    POST is refused): registered on the path, and the learner has its ID."""
    wanted = sorted(set(boards))
    if not wanted:
        return []
    choices = {choice.board: choice for choice in moc_choices(path, profile)}
    if not choices and not profile.is_physician:
        raise InvalidAnswer(MOC_PHYSICIANS_ONLY, field="moc_boards")
    for board in wanted:
        choice = choices.get(board)
        if choice is None:
            raise InvalidAnswer(MOC_NOT_REGISTERED, field="moc_boards")
        if not choice.has_id:
            raise InvalidAnswer(MOC_NEEDS_ID.format(board=board), field="moc_boards")
    return wanted
