"""A guide opened on its own (/guides/<slug>/, not from a path) still knows
the learning paths it is a step of: a learner on one of them is offered to
read it as the path's step (only that page shows the activity's disclosure,
so only there is the step marked complete: ``disclosure_proof``) and to
continue that path; a learner who completed the path
is pointed to its page (and certificate); a signed-in learner on none of them
sees which live paths include it. A path the guide is being read from
(``?path=<slug>``) has the step bar instead (``views.guide_step_context``)
and is not repeated here.

An anonymous visitor sees nothing here and the page runs no query for it:
public guide pages keep their query ceiling (tests/cms/test_query_counts.py).

Registered as the ``guide_page_context`` hook (guide pages are ``cms``
pages, which import nothing from here). A fixed number of queries for a
signed-in learner: one for the paths and their steps, two for their records.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from wagtail.models import Page

from learning.models import Enrolment, LearningPathPage, PathStep

from .remaining import with_remaining
from .resume import NextAction, attach_next, step_url


@dataclass(frozen=True)
class GuideInPath:
    path: LearningPathPage
    number: int  # this guide's step number in the path
    total: int
    url: str  # this guide read as a step of the path, where it is marked complete
    next_title: str = ""  # the step after this one, if any
    next_url: str = ""
    enrolment: Enrolment | None = None
    done: bool = False  # the learner completed this step
    next_action: NextAction | None = None  # where the learner left off on the path

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is None

    @property
    def completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None


def _reading_from(request: HttpRequest) -> str:
    slug = request.GET.get("path", "")
    if len(slug) > 255 or "\x00" in slug:  # PostgreSQL refuses NUL in a query
        return ""
    return slug


def guide_paths(request: HttpRequest, guide: Page) -> list[GuideInPath]:
    """The live, public paths that include ``guide``, the learner's own first
    (nothing for an anonymous visitor: see the module's docstring)."""
    if not request.user.is_authenticated:
        return []
    containing = (
        LearningPathPage.objects.live()
        .unrestricted()
        .filter(steps__guide=guide)
        .exclude(slug=_reading_from(request))
    )
    # The paths and all their steps in one query (a guide page reads no more for this).
    steps: dict[int, list[PathStep]] = {}
    paths: list[LearningPathPage] = []
    for step in (
        PathStep.objects.filter(page__in=containing.values("pk"))
        .select_related("page", "guide")
        .defer(
            "page__post_test",
            "page__evaluation",
            "page__objectives",
            "guide__body",
            "guide__references",
            "guide__objectives",
            "guide__summary",
        )
        .order_by("page__title", "page_id", "sort_order", "pk")
    ):
        if step.page_id not in steps:
            paths.append(step.page)
        steps.setdefault(step.page_id, []).append(step)
    if not paths:
        return []
    enrolments: dict[int, Enrolment] = {}
    by_id = {path.pk: path for path in paths}
    for enrolment in with_remaining(
        Enrolment.objects.filter(user=request.user, path__in=paths).with_progress()
    ):
        enrolment.path = by_id[enrolment.path_id]
        enrolments[enrolment.path_id] = enrolment
    attach_next(enrolments.values(), steps)
    done = {e.pk for e in enrolments.values() if guide.pk in getattr(e, "done_guide_ids", ())}
    found = []
    for path in paths:
        path_steps = steps.get(path.pk, [])
        index = next((i for i, s in enumerate(path_steps) if s.guide_id == guide.pk), None)
        if index is None:
            continue
        after = path_steps[index + 1] if index + 1 < len(path_steps) else None
        enrolment = enrolments.get(path.pk)
        found.append(
            GuideInPath(
                path=path,
                number=index + 1,
                total=len(path_steps),
                url=step_url(path, guide),
                next_title=after.guide.title if after else "",
                next_url=step_url(path, after.guide) if after else "",
                enrolment=enrolment,
                done=enrolment is not None and enrolment.pk in done,
                next_action=getattr(enrolment, "next_action", None),
            )
        )
    # The learner's unfinished paths first, then those they completed, then the rest.
    found.sort(key=lambda item: (not item.enrolled, not item.completed))
    return found


def guide_paths_context(request: HttpRequest, guide: Page) -> dict[str, Any]:
    """The ``guide_page_context`` hook."""
    found = guide_paths(request, guide)
    return {"guide_paths": found} if found else {}
