"""Suggestions, requests and the mentor's answer. Every change is a POST
followed by a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from ..exceptions import MentoringError
from ..forms import AskForm, DeclineForm
from ..models import (
    MatchingMode,
    MatchRequest,
    MenteeProfile,
    Programme,
    Relationship,
    RequestStatus,
)
from ..notices import display_name
from ..permissions import is_active_mentee
from ..services import asking
from .common import person, programme_or_404


def _suggestion_rows(request: HttpRequest, programme: Programme) -> list[dict[str, object]]:
    matches = asking.suggestions_for(person(request), programme)
    users = (
        get_user_model()
        .objects.filter(pk__in=[m.mentor_id for m in matches])
        .select_related("mentor_profile")
    )
    by_id = {u.pk: u for u in users}
    rows = []
    for match in matches:
        mentor = by_id[match.mentor_id]
        public = getattr(mentor, "mentor_profile", None)
        rows.append(
            {
                "match": match,
                "mentor": mentor,
                "name": display_name(mentor),
                "public_profile": public if public is not None and public.is_active else None,
            }
        )
    return rows


def _suggestions_page(
    request: HttpRequest, programme: Programme, form: AskForm | None = None, asked: int = 0
) -> HttpResponse:
    user = person(request)
    context = {
        "programme": programme,
        "pending": asking.pending_request(programme, user),
        "has_mentor": asking.has_mentor(programme, user),
        "has_profile": MenteeProfile.objects.filter(user=user).exists(),
        "staff_match": programme.matching_mode == MatchingMode.STAFF_MATCH,
        "rows": _suggestion_rows(request, programme),
        "form": form,
        "asked": asked,
    }
    return TemplateResponse(
        request, "mentoring/suggestions.html", context, status=400 if form else 200
    )


@login_required
def suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    if not is_active_mentee(request.user, programme):
        messages.info(request, "Join the programme as a mentee to see your suggestions.")
        return redirect("mentoring:programme", programme.slug)
    return _suggestions_page(request, programme)


@login_required
@require_POST
def ask(request: HttpRequest, slug: str, mentor_id: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    if not is_active_mentee(request.user, programme):
        messages.info(request, "Join the programme as a mentee to ask a mentor.")
        return redirect("mentoring:programme", programme.slug)
    form = AskForm(request.POST)
    if not form.is_valid():
        return _suggestions_page(request, programme, form, mentor_id)
    try:
        sent = asking.send_request(
            person(request), programme, mentor_id, form.cleaned_data["message"]
        )
    except MentoringError as error:
        messages.error(request, error.message)
        return redirect("mentoring:suggestions", programme.slug)
    messages.success(
        request,
        f"Your request is on its way to {display_name(sent.mentor)}. "
        "They have 7 days to answer; we will let you know.",
    )
    return redirect("mentoring:requests")


def _requests_page(
    request: HttpRequest, declining: int = 0, decline_form: DeclineForm | None = None
) -> HttpResponse:
    user = person(request)
    sent = (
        MatchRequest.objects.filter(mentee=user)
        .select_related("programme", "mentor", "next_suggestion")
        .order_by("-created_at")
    )
    received = list(
        MatchRequest.objects.filter(mentor=user)
        .select_related("programme", "mentee", "mentee__mentee_profile")
        .order_by("-created_at")
    )
    relationships = (
        Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("programme", "mentee", "mentor")
        .order_by("status", "-started_at")
    )
    return TemplateResponse(
        request,
        "mentoring/requests.html",
        {
            # Each of the person's pairs, with the way into its private space.
            "relationships": [
                (r, r.mentor if r.mentee_id == user.pk else r.mentee, r.mentee_id == user.pk)
                for r in relationships
            ],
            "sent": sent,
            "waiting": [r for r in received if r.status == RequestStatus.PENDING],
            "answered": [r for r in received if r.status != RequestStatus.PENDING],
            "declining": declining,
            "decline_form": decline_form,
        },
        status=400 if decline_form is not None else 200,
    )


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    return _requests_page(request)


def _own(request: HttpRequest, pk: int, field: str) -> MatchRequest:
    found = MatchRequest.objects.filter(pk=pk, **{field: request.user}).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = _own(request, pk, "mentor")
    try:
        asking.accept(match_request.pk, person(request))
    except MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"You are now {display_name(match_request.mentee)}'s mentor. Thank you."
        )
    return redirect("mentoring:requests")


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = _own(request, pk, "mentor")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _requests_page(request, match_request.pk, form)
    try:
        asking.decline(match_request.pk, person(request), form.cleaned_data["note"])
    except MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Declined. We will let them know kindly.")
    return redirect("mentoring:requests")


@login_required
@require_POST
def withdraw_request(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = _own(request, pk, "mentee")
    try:
        asking.withdraw_request(match_request.pk, person(request))
    except MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("mentoring:requests")
