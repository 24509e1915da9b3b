"""A path's steps as the journey reads them: each step's guide with the few
columns the journey shows or records (title, address, reading time, whether
it is live and its revision), never the whole guide (45 columns, the body
StreamField among them), and the address of a guide read as a step.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from django.http import HttpRequest

from wagtail.models import Page, PageViewRestriction

from learning.models import LearningPathPage, PathStep

from .stages import Stage

# The guide columns the journey uses. Titles and links (``url_path`` is all
# Wagtail needs for a page's address), the reading time shown before
# enrolment, ``live`` (the publish gate and "mark complete"), the revisions a
# completion records. Reading any other column of these guides costs a query
# per guide: the query-count tests would notice.
STEP_GUIDE_FIELDS = (
    "guide__title",
    "guide__slug",
    "guide__url_path",
    "guide__live",
    "guide__live_revision",
    "guide__latest_revision",
    "guide__reading_minutes_computed",
    "guide__reading_minutes_override",
)


def guide_restricted(*, apart_from_path: bool = False) -> Exists:
    """For a query of steps: whether the step's guide is behind a view
    restriction that may keep a learner out (groups, password; its own or an
    ancestor's), read in
    the steps' own query. ``apart_from_path``: only restrictions the path
    itself does not have (one on a section holding both admits the same people)."""
    # "Logged-in users" admits every learner (enrolling and claiming need a
    # log-in): only a group or a password keeps some learners out.
    restrictions = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("guide__path"), 1, Length("page__path"))
    ).exclude(restriction_type=PageViewRestriction.LOGIN)
    if apart_from_path:
        restrictions = restrictions.exclude(
            page__path=Substr(OuterRef("page__path"), 1, Length("page__path"))
        )
    return Exists(restrictions)


def with_step_guides(steps: QuerySet[PathStep]) -> QuerySet[PathStep]:
    """``steps`` in path order, each with its guide's journey columns and
    ``guide_restricted`` (apart from the path's own restrictions), in one query."""
    return (
        steps.select_related("guide")
        .only("sort_order", "page", "guide", *STEP_GUIDE_FIELDS)
        .annotate(guide_restricted=guide_restricted(apart_from_path=True))
        .order_by("sort_order", "pk")
    )


def step_url(path: LearningPathPage, guide: Page, request: HttpRequest | None = None) -> str:
    """A guide read as a step of ``path`` (its step bar, previous and next).

    Pass the ``request`` when there is one: Wagtail then looks the site's root
    paths up once for the request, not once per guide (with the database
    cache of production settings, a query each)."""
    return f"{guide.get_url(request)}?path={path.slug}"


def stage_url(
    request: HttpRequest, path: LearningPathPage, stage: Stage, next_guide: Page | None
) -> str:
    """Where a learner at ``stage`` goes on: the next step, or the stage's page."""
    if stage == Stage.STEPS and next_guide is not None:
        return step_url(path, next_guide, request)
    if stage.route_name:
        return path.route_url(stage.route_name)
    return path.url


def step_urls(path: LearningPathPage, guides: Iterable[Page], request: HttpRequest) -> list[str]:
    """``step_url`` of each guide, in order. Wagtail works an address out once
    per parent page, not once per guide: a guide's address is its parent's
    followed by its slug (the guides of a path are siblings under the guide
    index), so the others are written from the first. A slug that Django would
    percent-encode, or an address not ending in the slug, is asked of Wagtail."""
    parents: dict[str, str] = {}  # a parent page's url_path -> its address
    urls = []
    for guide in guides:
        parent_path, _, _ = guide.url_path.rstrip("/").rpartition("/")
        own = guide.url_path[len(parent_path) + 1 :]  # "slug/"
        prefix = parents.get(parent_path) if own.isascii() else None
        if prefix is not None:
            url = prefix + own
        else:
            url = guide.get_url(request)
            if own.isascii() and url and url.endswith("/" + own):
                parents[parent_path] = url[: -len(own)]
        urls.append(f"{url}?path={path.slug}")
    return urls
