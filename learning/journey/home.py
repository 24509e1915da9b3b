"""What learning adds to the home page (a ``cms`` page, which imports nothing
from here): the featured learning paths with their credit, and, for a
signed-in learner, "Continue where you left off".

Registered as the ``home_page_context`` hook; both read in a fixed number of
queries, however many paths, steps, mentors and records there are.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from wagtail.models import Page

from cms.models import Mentor
from learning.compliance.gate import read_view_restrictions
from learning.compliance.listing import for_listing, paths_facts
from learning.models import LearningPathPage

from .resume import unfinished

# How many paths the home page features. There is no "featured" flag on a
# path: the newest live paths with credit (by release date) are featured.
FEATURED_LIMIT = 3


@dataclass(frozen=True)
class FeaturedPath:
    path: LearningPathPage
    step_count: int
    mentors: list[Mentor]
    credit_offered: bool  # the path takes enrolments and claims for credit today


def featured_paths(limit: int = FEATURED_LIMIT) -> list[FeaturedPath]:
    """The newest live, public paths with credit that are not past their
    termination date, with their steps, mentors (the step guides' authors)
    and whether credit is offered today (the rule the path page applies)."""
    today = timezone.localdate()
    paths = list(
        for_listing(
            LearningPathPage.objects.live()
            .unrestricted()
            .filter(max_credits__gt=0)
            .exclude(termination_date__lt=today)
        ).order_by("-release_date", "-first_published_at", "-pk")[:limit]
    )
    # The step guides' privacy restrictions (the gate asks), for all paths in one query.
    read_view_restrictions(step.guide for path in paths for step in path.steps.all() if step.guide)
    return [
        FeaturedPath(
            path=facts.path,
            step_count=len(facts.guides),
            mentors=facts.faculty,
            credit_offered=bool(facts.availability),
        )
        for facts in paths_facts(paths, today)
    ]


def home_page_context(request: HttpRequest, page: Page) -> dict[str, Any]:
    """The ``home_page_context`` hook."""
    return {
        "featured_paths": featured_paths(),
        "continue_paths": unfinished(request.user),
    }
