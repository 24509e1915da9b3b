"""The programmes anyone can see, and joining or leaving one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..exceptions import MentoringError
from ..models import Audience, Programme, Role
from ..permissions import active_roles, is_member, listed_programmes_q, may_join
from ..services import participation
from ..services.asking import has_mentor, pending_request
from .common import person, programme_or_404


def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = (
        Programme.objects.filter(listed_programmes_q())
        .select_related("institution")
        .order_by("title")
    )
    return TemplateResponse(request, "mentoring/programme_list.html", {"programmes": programmes})


def programme_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    user = request.user
    roles = active_roles(user, programme)
    context = {
        "programme": programme,
        "roles": roles,
        "is_mentee": Role.MENTEE in roles,
        "is_mentor": Role.MENTOR in roles,
        "may_join": may_join(user, programme),
        "members_only": programme.audience == Audience.MEMBERS,
        "is_member": is_member(user, programme),
    }
    if Role.MENTEE in roles:
        context["pending"] = pending_request(programme, person(request))
        context["has_mentor"] = has_mentor(programme, person(request))
    return TemplateResponse(request, "mentoring/programme.html", context)


def _role(role: str) -> Role:
    if role not in Role.values:
        raise Http404
    return Role(role)


@login_required
@require_POST
def join(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    chosen = _role(role)
    user = person(request)
    if participation.needs_profile(user, chosen):
        target = "mentoring:profile" if chosen == Role.MENTEE else "mentoring:offer"
        messages.info(
            request,
            "First tell us what you are looking for; you join the programme when you save."
            if chosen == Role.MENTEE
            else "First tell us what you offer; you join the programme when you save.",
        )
        return redirect(f"{reverse(target)}?join={programme.slug}")
    try:
        participation.join(user, programme, chosen)
    except MentoringError as error:
        messages.error(request, error.message)
        return redirect("mentoring:programme", programme.slug)
    if chosen == Role.MENTEE:
        messages.success(request, f"You joined {programme.title} as a mentee.")
        return redirect("mentoring:suggestions", programme.slug)
    messages.success(
        request,
        f"You joined {programme.title} as a mentor. We will let you know when a mentee asks.",
    )
    return redirect("mentoring:programme", programme.slug)


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    if participation.withdraw(person(request), programme, _role(role)):
        messages.success(request, f"You have left {programme.title}.")
    return redirect("mentoring:programme", programme.slug)
