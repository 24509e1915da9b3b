"""Writing disclosures and CME reviewers' decisions: the only way these
permanent records are created. Each function is transactional and leaves
every earlier record untouched, so the history stays complete.

Who may call them is decided by ``cms.permissions`` (the person themselves or
CME staff for a disclosure; CME reviewers for decisions and exceptions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.choices import MitigationMethod, OwnerException, RelationshipNature
from cms.models.disclosures import (
    LOOKBACK_MONTHS,
    DisclosedRelationship,
    Disclosure,
    OwnerEmployeeException,
    RelevanceDecision,
)
from cms.rules import DATE_OUT_OF_RANGE, EARLIEST_DATE


@dataclass(frozen=True)
class Relationship:
    """One relationship as typed in a disclosure form."""

    company: str
    nature: str
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    detail: str = ""


def months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def relationship_problems(
    relationships: Iterable[Relationship], given_on: datetime.date
) -> list[str]:
    """What is wrong with the typed relationships, in words a physician understands."""
    problems = []
    window_start = months_before(given_on, LOOKBACK_MONTHS)
    for number, rel in enumerate(relationships, start=1):
        where = f"Relationship {number}"
        if not rel.company.strip():
            problems.append(f"{where}: name the ineligible company.")
        if rel.nature not in RelationshipNature.values:
            problems.append(f"{where}: choose the nature of the relationship.")
        if rel.started_on and rel.started_on > given_on:
            problems.append(f"{where}: it cannot start after the date you sign.")
        if rel.ended_on:
            if rel.ended_on > given_on:
                problems.append(
                    f"{where}: an end date in the future means it is ongoing: leave the end "
                    "date empty."
                )
            if rel.started_on and rel.ended_on < rel.started_on:
                problems.append(f"{where}: it ends before it starts.")
            if rel.ended_on < window_start:
                problems.append(
                    f"{where}: it ended before {window_start:%-d %B %Y}, more than "
                    f"{LOOKBACK_MONTHS} months ago, so it need not be disclosed. Remove it."
                )
    return problems


@transaction.atomic
def record_disclosure(
    person,
    *,
    relationships: Iterable[Relationship] = (),
    none_to_disclose: bool = False,
    signed_name: str,
    recorded_by=None,
    given_on: datetime.date | None = None,
) -> Disclosure:
    """Record a new signed disclosure for ``person``; it supersedes the previous
    one, which stays in the history. Raises ValidationError with every problem."""
    today = timezone.localdate()
    given_on = given_on or today
    relationships = list(relationships)
    problems = []
    if given_on > today:
        problems.append("A disclosure cannot be dated in the future.")
    elif given_on < EARLIEST_DATE:
        raise ValidationError([DATE_OUT_OF_RANGE])  # no look-back period before it
    if not signed_name.strip():
        problems.append("Type your full name to sign the disclosure.")
    if none_to_disclose and relationships:
        problems.append(
            "You attested to having no financial relationships but also listed some: "
            "choose one or the other."
        )
    if not none_to_disclose and not relationships:
        problems.append(
            "List every financial relationship with an ineligible company in the past "
            f"{LOOKBACK_MONTHS} months, or attest that you have none."
        )
    problems += relationship_problems(relationships, given_on)
    if problems:
        raise ValidationError(problems)
    disclosure = Disclosure.objects.create(
        person=person,
        given_on=given_on,
        none_to_disclose=none_to_disclose,
        signed_name=signed_name.strip(),
        recorded_by=recorded_by,
    )
    DisclosedRelationship.objects.bulk_create(
        DisclosedRelationship(
            disclosure=disclosure,
            company=rel.company.strip(),
            nature=rel.nature,
            detail=rel.detail.strip(),
            started_on=rel.started_on,
            ended_on=rel.ended_on,
        )
        for rel in relationships
    )
    # The person's cached history is now out of date.
    person.__dict__.pop("disclosure_history", None)
    if hasattr(person, "prefetched_disclosures"):
        del person.prefetched_disclosures
    return disclosure


@transaction.atomic
def record_decision(
    page,
    relationship: DisclosedRelationship,
    *,
    relevant: bool,
    mitigation: str = "",
    reason: str,
    decided_by,
) -> RelevanceDecision:
    """Record whether ``relationship`` is relevant to ``page`` and, if it is,
    how it was mitigated. Supersedes (never overwrites) an earlier decision."""
    problems = []
    if not reason.strip():
        problems.append("Say why: the reason is kept in the audit history.")
    if relevant and mitigation not in MitigationMethod.values:
        problems.append("A relevant relationship needs the way it was mitigated.")
    if not relevant:
        mitigation = ""
    if problems:
        raise ValidationError(problems)
    return RelevanceDecision.objects.create(
        page=page,
        relationship=relationship,
        relevant=relevant,
        mitigation=mitigation,
        reason=reason.strip(),
        decided_by=decided_by,
    )


@transaction.atomic
def record_owner_exception(
    page, person, *, exception: str, reason: str, recorded_by, withdrawn: bool = False
) -> OwnerEmployeeException:
    """Record (or, with ``withdrawn``, end) a Standard 3 exception that lets an
    owner or employee of an ineligible company control ``page``."""
    problems = []
    if not reason.strip():
        problems.append("Say why the exception applies: the reason is kept in the audit history.")
    if not withdrawn and exception not in OwnerException.values:
        problems.append("Choose which of the three Standard 3 exceptions applies.")
    if problems:
        raise ValidationError(problems)
    return OwnerEmployeeException.objects.create(
        page=page,
        person=person,
        exception="" if withdrawn else exception,
        withdrawn=withdrawn,
        reason=reason.strip(),
        recorded_by=recorded_by,
    )
