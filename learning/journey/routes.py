"""The learning path page's subpage routes, answered by the journey's views.

``LearningConfig.ready()`` attaches them to ``LearningPathPage`` so that the
model never imports a view. Route names (for ``reverse_subpage`` and
``route_url``) and URLs are the page's public interface: keep them stable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path

from learning.models import LearningPathPage

from .views import path_page, stages


@path("")
def overview(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return path_page.path_overview(request, page)


@path("enrol/", name="enrol")
def enrol_route(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return path_page.enrol(request, page)


@path("continue/", name="continue")
def continue_route(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return path_page.continue_path(request, page)


@re_path(r"^steps/(?P<guide_id>[0-9]{1,12})/complete/$", name="complete_step")
def complete_step_route(
    page: LearningPathPage, request: HttpRequest, guide_id: str
) -> HttpResponse:
    return path_page.complete_step(request, page, int(guide_id))


@path("test/", name="post_test")
def post_test_route(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return stages.post_test(request, page)


@path("test/result/", name="post_test_result")
def post_test_result_route(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return stages.post_test_result(request, page)


@path("evaluation/", name="evaluation")
def evaluation_route(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return stages.evaluation(request, page)


@path("claim/", name="claim")
def claim_route(page: LearningPathPage, request: HttpRequest) -> HttpResponse:
    return stages.claim(request, page)


# Wagtail tries a page's routes in the order they were declared above.
ROUTES: tuple[Callable[..., HttpResponse], ...] = (
    overview,
    enrol_route,
    continue_route,
    complete_step_route,
    post_test_route,
    post_test_result_route,
    evaluation_route,
    claim_route,
)


def attach(page_class: type[RoutablePageMixin]) -> None:
    """Make the journey's handlers the subpage routes of ``page_class``.

    Each becomes a method of the class, as if declared in it (Wagtail collects
    routes from the class's attributes and binds them to the page)."""
    for handler in ROUTES:
        setattr(page_class, handler.__name__, handler)
    # Wagtail caches a class's URL resolver on first use: drop any built before.
    if "_routablepage_urlresolver" in page_class.__dict__:
        delattr(page_class, "_routablepage_urlresolver")
