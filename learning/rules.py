"""Pure rules of the learning app: plain values in, plain values out.

Nothing here imports a model or Django's ORM, so models, forms and services
can all import it.
"""

import decimal

from .exceptions import InvalidAnswer

# Credit is given in quarter credits (AMA PRA Category 1 Credit™).
QUARTER = decimal.Decimal("0.25")

CREDITS_NOT_A_NUMBER = "Enter the credits as a number, such as 1.5."


def in_quarters(credits: decimal.Decimal) -> bool:
    """Is ``credits`` a whole number of quarter credits?"""
    return credits % QUARTER == 0


def parse_credits(raw: object) -> decimal.Decimal:
    """The credits a learner typed, as a finite Decimal; InvalidAnswer otherwise."""
    try:
        value = decimal.Decimal(str(raw).strip())
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise InvalidAnswer(CREDITS_NOT_A_NUMBER, field="credits") from None
    if not value.is_finite():
        raise InvalidAnswer(CREDITS_NOT_A_NUMBER, field="credits")
    return value
