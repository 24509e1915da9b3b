"""Pure rules of the learning app: plain values in, plain values out.

Nothing here imports a model or Django's ORM, so models, forms and services
can all import it.
"""

import datetime
import decimal
from collections.abc import Sized

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


def publication_problems(
    *,
    max_credits: decimal.Decimal | None,
    objectives: Sized | None,
    step_count: int,
    institution: object | None,
    release_date: datetime.date | None,
    termination_date: datetime.date | None,
    post_test: Sized | None,
) -> list[str]:
    """What stops a credit-bearing path from being submitted or published."""
    if not max_credits or max_credits <= 0:
        return []
    problems = []
    if not objectives or len(objectives) == 0:
        problems.append("A credit-bearing path needs at least one learning objective.")
    if step_count < 1:
        problems.append("A credit-bearing path needs at least one step.")
    if institution is None:
        problems.append("A credit-bearing path needs an accrediting institution.")
    if not release_date:
        problems.append("A credit-bearing path needs a release date.")
    if not post_test or len(post_test) == 0:
        problems.append("A credit-bearing path needs a post-test with at least one question.")
    if termination_date and release_date and termination_date < release_date:
        problems.append("The termination date is before the release date.")
    return problems
