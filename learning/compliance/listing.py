"""Several paths at once, for a listing (the home page's featured paths): each
path's step guides, its faculty (the step guides' authors) and whether it
offers credit today, by the same rule as its own page
(``availability.credit_available``), in a fixed number of queries however many
paths, steps and people there are.

The paths should come from ``for_listing`` (their institution, steps with
their guides, and contributors read with them); otherwise each path costs its
own queries (the answers are the same).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cms.choices import ContentRole
from cms.control import EntryStatus, statuses
from cms.models import GuidePage, Mentor
from learning.models import LearningPathPage, PathStep

from .availability import Availability, credit_available
from .entries import paths_entries

Paths = QuerySet[LearningPathPage]


def for_listing(paths: Paths) -> Paths:
    """What ``paths_facts`` reads, in three queries for any number of paths."""
    steps = PathStep.objects.select_related("guide").defer(
        # The gate and a listing need each guide's title and state, not its content.
        "guide__body",
        "guide__references",
        "guide__objectives",
        "guide__summary",
    )
    return paths.select_related("institution").prefetch_related(
        Prefetch("steps", queryset=steps.order_by("sort_order", "pk")), "contributors"
    )


@dataclass(frozen=True)
class PathFacts:
    path: LearningPathPage
    guides: list[GuidePage]
    entry_statuses: list[EntryStatus]
    availability: Availability

    @property
    def faculty(self) -> list[Mentor]:
        """The step guides' authors, in step and author order, each once."""
        people: dict[int, Mentor] = {}
        for status in self.entry_statuses:
            if status.entry.role == ContentRole.FACULTY:
                people.setdefault(status.person.pk, status.person)
        return list(people.values())


def paths_facts(
    paths: Sequence[LearningPathPage], on: datetime.date | None = None
) -> list[PathFacts]:
    """``PathFacts`` for each of ``paths``, in their order."""
    on = on or timezone.localdate()
    guides: list[list[GuidePage]] = [
        [step.guide for step in path.steps.all() if step.guide_id] for path in paths
    ]
    entries = paths_entries(list(zip(paths, guides, strict=True)))
    # One statuses() call for every path: one query for the decisions of all.
    flat = statuses([entry for path_entries in entries for entry in path_entries])
    facts, start = [], 0
    for path, path_guides, path_entries in zip(paths, guides, entries, strict=True):
        path_statuses = flat[start : start + len(path_entries)]
        start += len(path_entries)
        availability = credit_available(path, on, guides=path_guides, entry_statuses=path_statuses)
        facts.append(PathFacts(path, path_guides, path_statuses, availability))
    return facts
