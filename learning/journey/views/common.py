"""What the journey's views share: sign-in first, the signed-in learner, and
a path's template rendered with the path as its page."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from learning.models import LearningPathPage


def _login_first(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _learner(request: HttpRequest) -> User:
    """The signed-in learner, once _login_first or @login_required let the request in."""
    return cast(User, request.user)


def _render(
    request: HttpRequest,
    path: LearningPathPage,
    template: str,
    status: int = 200,
    **context: Any,
) -> TemplateResponse:
    return TemplateResponse(
        request, template, {"page": path, "self": path, **context}, status=status
    )
