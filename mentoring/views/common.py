from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Programme
from ..permissions import visible_programme


def person(request: HttpRequest) -> User:
    """The signed-in user, once @login_required let the request in."""
    return cast(User, request.user)


def programme_or_404(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("institution"), slug=slug)
    if not visible_programme(request.user, programme):
        raise Http404
    return programme
