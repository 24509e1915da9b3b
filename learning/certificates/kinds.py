"""Which certificate a learner receives, and how each kind states its amount.

Physicians (MD, DO and international equivalents) claim AMA PRA Category 1
Credit™ and receive the AMA PRA certificate. Everyone else states the hours they
participated and receives a certificate of participation, which says what the
activity was designated for and never that the learner was awarded credit. Both
kinds keep the amount in the same field (``credits`` on the claim and the
certificate): credits for physicians, hours for everyone else, under the same
rules (more than zero, in quarters, at most the path's maximum)."""

from decimal import Decimal

from cms.credits import credit_name, format_credits
from learning.models import CertificateKind, LearnerProfile

PARTICIPATION_TITLE = "Certificate of Participation"
AMA_PRA_TITLE = "Certificate of CME Completion"


def kind_for(profile: LearnerProfile) -> str:
    """The kind of certificate ``profile``'s learner receives: fixed when issued."""
    return CertificateKind.AMA_PRA if profile.is_physician else CertificateKind.PARTICIPATION


def is_participation(kind: str) -> bool:
    return kind == CertificateKind.PARTICIPATION


def hours_text(value: Decimal | float | str) -> str:
    """``1.25 hours``, ``1 hour``."""
    return f"{format_credits(value)} hour{'' if Decimal(value) == 1 else 's'}"


def designated_maximum(max_credits: Decimal | float | str) -> str:
    """What a certificate of participation says about the activity's credit,
    as plain text with ™ (templates italicise the credit's name with ``ama_pra``)."""
    name = credit_name(plural=Decimal(max_credits) != 1)
    return f"This activity was designated for a maximum of {format_credits(max_credits)} {name}."
