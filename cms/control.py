"""Who controls a piece of content, and where each of them stands under ACCME
Standard 3: a current disclosure, every relationship judged for relevance,
every relevant one mitigated, and no owner or employee of an ineligible
company without a recorded exception.

One computation serves the learner's disclosure block, the publish gate, the
daily compliance check and the CME reviewer's screen, so they cannot disagree.
It reads everything in a fixed number of queries whatever the number of people.

An *entry* is (person, role, page): the page is where decisions about that
person's relationships are recorded: a guide for its authors (faculty), the
learning path itself for its planners and reviewers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from cms.choices import ContentRole
from cms.models.disclosures import (
    DisclosedRelationship,
    Disclosure,
    OwnerEmployeeException,
    RelevanceDecision,
)
from cms.models.people import Mentor


@dataclass(frozen=True)
class Entry:
    person: Mentor
    role: ContentRole
    page: object  # a wagtail Page: where decisions about this person are recorded


@dataclass
class RelationshipStatus:
    relationship: DisclosedRelationship
    decision: RelevanceDecision | None

    @property
    def decided(self) -> bool:
        return self.decision is not None

    @property
    def relevant(self) -> bool:
        return self.decision is not None and self.decision.relevant

    @property
    def mitigated(self) -> bool:
        return self.relevant and bool(self.decision and self.decision.mitigation)

    @property
    def shown_to_learners(self) -> bool:
        """Relevant, or not yet judged: learners are never told less than is known."""
        return self.decision is None or self.decision.relevant


@dataclass
class EntryStatus:
    entry: Entry
    disclosure: Disclosure | None
    relationships: list[RelationshipStatus] = field(default_factory=list)
    exception: OwnerEmployeeException | None = None

    @property
    def person(self) -> Mentor:
        return self.entry.person

    def expired(self, on: datetime.date) -> bool:
        return self.disclosure is not None and not self.disclosure.is_current(on)

    @property
    def owner_or_employee_of(self) -> list[DisclosedRelationship]:
        return [
            r.relationship for r in self.relationships if r.relationship.makes_owner_or_employee
        ]

    @property
    def excepted(self) -> bool:
        return self.exception is not None and not self.exception.withdrawn

    @property
    def shown(self) -> list[RelationshipStatus]:
        return [r for r in self.relationships if r.shown_to_learners]

    @property
    def all_mitigated(self) -> bool:
        return all(r.mitigated for r in self.shown)

    def problems(self, on: datetime.date) -> list[str]:
        """Why this person may not control this content today, or []."""
        name = self.person.display_name
        role = ContentRole(self.entry.role).label.lower()
        title = getattr(self.entry.page, "title", "this content")
        if self.disclosure is None:
            return [
                f"{name} ({role}) has not signed a disclosure of financial relationships. "
                "Everyone in control of accredited content needs one: add it under "
                "CME > Disclosures."
            ]
        problems = []
        if self.expired(on):
            problems.append(
                f"{name}'s disclosure of financial relationships was signed on "
                f"{self.disclosure.given_on:%-d %B %Y} and expired on "
                f"{self.disclosure.expires_on:%-d %B %Y}. A new disclosure is needed "
                "(disclosures last 12 months)."
            )
        owner_of = self.owner_or_employee_of
        if owner_of and not self.excepted:
            companies = ", ".join(sorted({r.company for r in owner_of}))
            problems.append(
                f"{name} is an owner or employee of an ineligible company ({companies}) and "
                f"may not act as {role} on '{title}' unless a CME reviewer records one of the "
                "three Standard 3 exceptions with its reason."
            )
        for status in self.relationships:
            rel = status.relationship
            if rel.makes_owner_or_employee:
                continue  # settled by the exception above, not by mitigation
            if not status.decided:
                problems.append(
                    f"{name}'s relationship with {rel.company} ({rel.nature_label.lower()}) has "
                    f"not been reviewed for relevance to '{title}'. A CME reviewer decides "
                    "under CME > Disclosures and mitigation."
                )
            elif status.relevant and not status.mitigated:
                problems.append(
                    f"{name}'s relationship with {rel.company} is relevant to '{title}' but "
                    "has no mitigation recorded."
                )
        return problems


def _latest(records: Iterable, key) -> dict:
    """The first record for each key (records come newest first). Django runs
    no query for a filter on an empty list of ids."""
    found: dict = {}
    for record in records:
        found.setdefault(key(record), record)
    return found


def statuses(entries: Sequence[Entry]) -> list[EntryStatus]:
    """The Standard 3 status of each entry, in the order given.

    The people should come from ``Mentor.objects.with_disclosures()`` (or this
    prefetches their disclosures itself, in one query per call)."""
    people = {entry.person.pk: entry.person for entry in entries}
    missing = [p for p in people.values() if not hasattr(p, "prefetched_disclosures")]
    if missing:
        fetched = {
            m.pk: m.prefetched_disclosures
            for m in Mentor.objects.with_disclosures().filter(pk__in=[p.pk for p in missing])
        }
        for person in missing:
            person.prefetched_disclosures = fetched.get(person.pk, [])
            person.__dict__.pop("disclosure_history", None)
    for entry in entries:
        if entry.person.pk in people and entry.person is not people[entry.person.pk]:
            entry.person.prefetched_disclosures = people[entry.person.pk].prefetched_disclosures

    relationship_ids = set()
    owners = set()  # people whose current disclosure makes them an owner or employee
    for person in people.values():
        current = person.current_disclosure
        if current:
            relationship_ids.update(r.pk for r in current.relationship_list)
            if any(r.makes_owner_or_employee for r in current.relationship_list):
                owners.add(person.pk)
    page_ids = {entry.page.pk for entry in entries}

    decisions = _latest(
        RelevanceDecision.objects.filter(
            page_id__in=page_ids, relationship_id__in=relationship_ids
        ).order_by("-decided_at", "-pk"),
        key=lambda d: (d.page_id, d.relationship_id),
    )
    # An exception only matters to an owner or employee: no query without one.
    exceptions = _latest(
        OwnerEmployeeException.objects.filter(page_id__in=page_ids, person_id__in=owners).order_by(
            "-recorded_at", "-pk"
        ),
        key=lambda e: (e.page_id, e.person_id),
    )

    result = []
    for entry in entries:
        disclosure = entry.person.current_disclosure
        rels = disclosure.relationship_list if disclosure else []
        result.append(
            EntryStatus(
                entry=entry,
                disclosure=disclosure,
                relationships=[
                    RelationshipStatus(r, decisions.get((entry.page.pk, r.pk))) for r in rels
                ],
                exception=exceptions.get((entry.page.pk, entry.person.pk)),
            )
        )
    return result


@dataclass
class PersonDisclosure:
    """What a learner is told about one person: their roles, and the
    relationships shown (relevant, or not yet judged) with their natures."""

    person: Mentor
    roles: list[ContentRole]
    disclosure: Disclosure | None
    shown: list[DisclosedRelationship]
    all_mitigated: bool

    @property
    def role_labels(self) -> str:
        return ", ".join(ContentRole(r).label for r in self.roles)


def learner_disclosures(entry_statuses: Sequence[EntryStatus]) -> list[PersonDisclosure]:
    """One row per person, in first-appearance order, merging their entries."""
    rows: dict[int, PersonDisclosure] = {}
    seen_rels: dict[int, set[int]] = defaultdict(set)
    for status in entry_statuses:
        row = rows.get(status.person.pk)
        if row is None:
            row = rows[status.person.pk] = PersonDisclosure(
                person=status.person,
                roles=[],
                disclosure=status.disclosure,
                shown=[],
                all_mitigated=True,
            )
        if status.entry.role not in row.roles:
            row.roles.append(status.entry.role)
        for rel_status in status.shown:
            rel = rel_status.relationship
            if rel.pk not in seen_rels[status.person.pk]:
                seen_rels[status.person.pk].add(rel.pk)
                row.shown.append(rel)
            if not rel_status.mitigated:
                row.all_mitigated = False
    return list(rows.values())


def everyone_mitigated(rows: Sequence[PersonDisclosure]) -> bool:
    """True when at least one relationship is shown and every shown one is mitigated:
    only then may the page say "all relevant financial relationships have been mitigated"."""
    return any(row.shown for row in rows) and all(
        row.all_mitigated and row.disclosure is not None for row in rows
    )


def today() -> datetime.date:
    return timezone.localdate()


def guide_entries(guide) -> list[Entry]:
    """A guide's authors (faculty), in author order, decided on the guide."""
    # One query for the people, in author order (a person authors a guide at most once).
    people = (
        Mentor.objects.with_disclosures()
        .with_photos("avatar-md")
        .filter(authorships__page=guide)
        .order_by("authorships__sort_order", "authorships__pk")
    )
    return [Entry(person, ContentRole.FACULTY, guide) for person in people]
