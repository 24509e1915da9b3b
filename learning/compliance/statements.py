"""The accreditation and credit designation statements a path prints, and
whether an institution's wording is well formed.

Sources (named in docs/cme-compliance.md): the AMA's "The Physician's
Recognition Award and credit system" (2017 revision) for the designation
statement, and ACCME's accreditation and joint providership statements.
"""

from __future__ import annotations

import decimal

from cms.credits import format_credits
from cms.models import Institution

DESIGNATION_NAME = "AMA PRA Category 1 Credit(s)™"
CLAIM_SENTENCE = (
    "Physicians should claim only the credit commensurate with the extent of their "
    "participation in the activity."
)


def designation_problems(
    statement: str, provider: str, learning_format: str, max_credits: decimal.Decimal
) -> list[str]:
    """What is wrong with an institution's credit designation statement for this path."""
    problems = []
    text = " ".join(statement.split())
    if provider not in text:
        problems.append(f"The credit designation statement must name the provider, '{provider}'.")
    if DESIGNATION_NAME not in text:
        problems.append(
            f"The credit designation statement must use exactly '{DESIGNATION_NAME}' (with the ™)."
        )
    expected = f"designates this {learning_format.lower()} for a maximum of"
    if expected not in text:
        problems.append(
            f"The credit designation statement must say the provider '{expected}' the credits "
            "(the AMA requires the learning format)."
        )
    if "[N]" not in text and f"maximum of {format_credits(max_credits)} " not in text:
        problems.append(
            "The credit designation statement must state the path's maximum credits: write "
            "[N] where the number goes."
        )
    if CLAIM_SENTENCE not in text:
        problems.append(f"The credit designation statement must end: '{CLAIM_SENTENCE}'")
    return problems


def accreditation_problems(statement: str, provider: str) -> list[str]:
    text = " ".join(statement.split())
    if not text:
        return ["The institution has no accreditation statement."]
    if provider not in text:
        return [f"The accreditation statement must name the provider, '{provider}'."]
    return []


def accreditation_statement(institution: Institution, joint_provider: str = "") -> str:
    """The statement printed on the path page: the institution's own, or the
    ACCME joint providership statement when a non-accredited organization
    jointly provides the activity."""
    if not joint_provider:
        return institution.accreditation_statement
    return (
        "This activity has been planned and implemented in accordance with the accreditation "
        "requirements and policies of the Accreditation Council for Continuing Medical "
        f"Education (ACCME) through the joint providership of {institution.name} and "
        f"{joint_provider}. {institution.accreditation_statement}"
    )
