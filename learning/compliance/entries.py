"""Everyone in control of a path's content, with the page where decisions
about each of them are recorded: the step guides' authors (faculty, decided
per guide) and the path's planners and CME reviewers (decided on the path).

Works on a saved path and on one rebuilt from a revision (whose steps and
contributors are in memory), in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from wagtail.models import Page

from cms.choices import ContentRole
from cms.control import Entry
from cms.models import GuideAuthor, GuidePage, Mentor
from learning.models import LearningPathPage, PathContributorRole

CONTRIBUTOR_ROLES = {
    PathContributorRole.PLANNER: ContentRole.PLANNER,
    PathContributorRole.REVIEWER: ContentRole.REVIEWER,
}


def step_guide_ids(path: LearningPathPage) -> list[int]:
    return [step.guide_id for step in path.steps.all() if step.guide_id]


def step_guides(path: LearningPathPage) -> list[GuidePage]:
    """The step guides in step order (their live database rows)."""
    ids = step_guide_ids(path)
    by_id = GuidePage.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def path_entries(path: LearningPathPage, guides: list[GuidePage] | None = None) -> list[Entry]:
    """Faculty first (in step and author order), then planners, then reviewers."""
    guides = step_guides(path) if guides is None else guides
    return paths_entries([(path, guides)])[0]


def paths_entries(
    paths: Sequence[tuple[LearningPathPage, list[GuidePage]]],
) -> list[list[Entry]]:
    """``path_entries`` of several paths (each with its step guides in order),
    in the same fixed number of queries as one: a listing of paths asks once."""
    contributors = {
        id(path): [c for c in path.contributors.all() if c.person_id] for path, _ in paths
    }
    guide_ids = {guide.pk for _, guides in paths for guide in guides}
    authors = list(
        GuideAuthor.objects.filter(page_id__in=guide_ids)
        .order_by("sort_order", "pk")
        .values_list("page_id", "mentor_id")
    )
    people = Mentor.objects.with_disclosures().in_bulk(
        {m for _, m in authors} | {c.person_id for listed in contributors.values() for c in listed}
    )
    authors_of: dict[int, list[int]] = {}
    for page_id, mentor_id in authors:
        authors_of.setdefault(page_id, []).append(mentor_id)
    result = []
    for path, guides in paths:
        entries = []
        for guide in guides:
            for mentor_id in authors_of.get(guide.pk, ()):
                if mentor_id in people:
                    entries.append(Entry(people[mentor_id], ContentRole.FACULTY, guide))
        for role in (PathContributorRole.PLANNER, PathContributorRole.REVIEWER):
            for contributor in contributors[id(path)]:
                if contributor.role == role and contributor.person_id in people:
                    entries.append(
                        Entry(people[contributor.person_id], CONTRIBUTOR_ROLES[role], path)
                    )
        result.append(entries)
    return result


def control_entries(page: Page) -> list[Entry] | None:
    """The ``content_control_entries`` hook: a path's entries (None for other pages)."""
    return path_entries(page) if isinstance(page, LearningPathPage) else None


def controlled_models() -> list[type[Page]]:
    return [LearningPathPage]


def paths_controlled_by(person: Mentor) -> list[LearningPathPage]:
    """The paths ``person`` plans or reviews, or whose step guides they wrote."""
    return list(
        LearningPathPage.objects.filter(
            Q(contributors__person=person) | Q(steps__guide__authors__mentor=person)
        )
        .distinct()
        .order_by("title")
    )
