"""What a learner is told before the content (ACCME Standards 3.5 and 5):
everyone in control of the content with their roles, the ineligible companies
each has a relevant (or not yet judged) financial relationship with, whether
all of those were mitigated, and who gave commercial support.

Pages build a ``DisclosureBlock`` in their context (never in the template) and
render it with ``includes/disclosure.html``. It is never part of a cached
fragment keyed on the page revision: disclosures and decisions change without a
new page revision. A guide page computes it on every request; a learning path
keeps it in the cache until any content record changes (the learning app's
compliance snapshot, which this module does not know of).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cms.control import (
    EntryStatus,
    PersonDisclosure,
    everyone_mitigated,
    guide_entries,
    learner_disclosures,
    statuses,
)
from cms.control import today as control_today


@dataclass(frozen=True)
class ShownRelationship:
    company: str
    nature: str  # the Standard 3 nature, without the free-text detail
    judged: bool  # False: not yet reviewed for relevance (shown all the same)


@dataclass(frozen=True)
class Supporter:
    company: str
    kind: str


@dataclass
class PersonRow:
    """One person as the learner sees them."""

    name: str  # with credentials, e.g. "Priya Raman, MD, FACC"
    short_name: str  # without, e.g. "Priya Raman"
    roles: str
    given_on: datetime.date | None
    expired_on: datetime.date | None  # set when the newest disclosure has expired
    relationships: list[ShownRelationship] = field(default_factory=list)

    @property
    def has_disclosure(self) -> bool:
        return self.given_on is not None

    @property
    def current(self) -> bool:
        return self.given_on is not None and self.expired_on is None


@dataclass
class DisclosureBlock:
    rows: list[PersonRow]
    all_mitigated: bool
    commercial_support: list[Supporter]
    kind: str = "activity"  # how the block names the content: "activity" or "guide"


def _row(person: PersonDisclosure, undecided: set[int], on: datetime.date) -> PersonRow:
    disclosure = person.disclosure
    expired = disclosure is not None and not disclosure.is_current(on)
    return PersonRow(
        name=person.person.display_name,
        short_name=person.person.name,
        roles=person.role_labels,
        given_on=disclosure.given_on if disclosure else None,
        expired_on=disclosure.expires_on if expired else None,
        relationships=[
            ShownRelationship(
                company=rel.company,
                nature=rel.get_nature_display(),
                judged=rel.pk not in undecided,
            )
            for rel in person.shown
        ],
    )


def disclosure_block(
    entry_statuses: Sequence[EntryStatus],
    commercial_support: Iterable[Supporter] = (),
    kind: str = "activity",
    on: datetime.date | None = None,
) -> DisclosureBlock:
    """The learner's disclosure block for the people in ``entry_statuses``
    (``cms.control.statuses(entries)``).

    The mitigation statement is allowed only when every shown relationship has
    a mitigation record (``cms.control.everyone_mitigated``) and everyone's
    disclosure is current: an expired disclosure says nothing about today."""
    on = on or control_today()
    # Not yet judged on at least one of the pages it concerns.
    undecided = {
        rel_status.relationship.pk
        for status in entry_statuses
        for rel_status in status.shown
        if not rel_status.decided
    }
    people = learner_disclosures(entry_statuses)
    rows = [_row(person, undecided, on) for person in people]
    return DisclosureBlock(
        rows=rows,
        all_mitigated=everyone_mitigated(people) and all(row.current for row in rows),
        commercial_support=list(commercial_support),
        kind=kind,
    )


def guide_disclosure_context(request, guide) -> dict:
    """A guide page's authors and disclosure block: registered as the
    ``guide_page_context`` hook. Guides carry no commercial support (only
    paths do)."""
    entries = guide_entries(guide)
    return {
        "mentors": [entry.person for entry in entries],
        "disclosure": disclosure_block(statuses(entries), kind="guide"),
    }
