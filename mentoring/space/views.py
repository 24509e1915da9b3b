"""The space's pages: thin. Each view finds the space (404 unless the user
is one of its two members), calls a service and redirects, or shows the form
again with the service's message and everything typed kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cms.integers import parse_int

from ..models import ExitSurvey, Goal, Role, SessionNote, SessionStatus
from . import closing, services
from .errors import SpaceError
from .forms import AgreementForm, CheckInForm, ExitSurveyForm, GoalForm, GoalStatusForm
from .people import display_name
from .permissions import other_member, space_for
from .zones import zone_name

GET_POST = require_http_methods(["GET", "POST"])


def attach(form: forms.Form, error: SpaceError) -> None:
    """The service's message on its field (or the whole form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def base_context(relationship: Any, role: str) -> dict[str, Any]:
    other = other_member(relationship, role)
    other_role = Role.MENTOR if role == Role.MENTEE else Role.MENTEE
    return {
        "relationship": relationship,
        "role": role,
        "other_name": display_name(other),
        "other_role": other_role,
        "my_zone": zone_name(relationship, role),
        "other_zone": zone_name(relationship, other_role),
    }


def render_form(
    request: HttpRequest,
    relationship: Any,
    role: str,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
) -> HttpResponse:
    context = base_context(relationship, role) | {
        "form": form,
        "title": title,
        "submit": submit,
        "intro": intro,
    }
    return render(request, "mentoring/space/form.html", context)


@login_required
def space(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, role = space_for(request.user, pk)
    now = timezone.now()
    notes = SessionNote.objects.visible_to(request.user).select_related("author")
    sessions = list(relationship.sessions.prefetch_related(Prefetch("notes", queryset=notes)))
    goals = list(Goal.objects.filter(relationship=relationship).prefetch_related("check_ins"))
    for goal in goals:
        check_ins = list(goal.check_ins.all())
        goal.last_progress = check_ins[-1].progress if check_ins else None  # type: ignore[attr-defined]
    agreement = services.draft_agreement(relationship)
    my_survey = ExitSurvey.objects.filter(relationship=relationship, role=role).first()
    context = base_context(relationship, role) | {
        "agreement": agreement,
        "agreement_saved": agreement.pk is not None,
        "i_accepted": agreement.pk is not None and agreement.accepted_at(role) is not None,
        "other_accepted": agreement.pk is not None
        and agreement.accepted_at(Role.MENTOR if role == Role.MENTEE else Role.MENTEE) is not None,
        "goals": goals,
        "upcoming": [
            s for s in sessions if s.status == SessionStatus.SCHEDULED and s.ends_at > now
        ],
        "past": [
            s
            for s in reversed(sessions)
            if not (s.status == SessionStatus.SCHEDULED and s.ends_at > now)
        ],
        "my_survey": my_survey,
        "can_ask_again": closing.can_ask_again(relationship, role),
        "rematch": getattr(relationship, "rematch_request", None)
        if not relationship.is_active
        else None,
    }
    return render(request, "mentoring/space/space.html", context)


@login_required
@GET_POST
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, role = space_for(request.user, pk)
    current = services.draft_agreement(relationship)
    initial = {
        "goals": current.goals,
        "cadence": current.cadence,
        "contact": current.contact,
        "confidentiality": current.confidentiality,
    }
    form = AgreementForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _saved, reset = services.save_agreement(relationship, request.user, **form.cleaned_data)
        except SpaceError as error:
            attach(form, error)
        else:
            if reset:
                messages.warning(
                    request,
                    "The agreement is saved. Because it changed after it was accepted, you "
                    "both need to accept it again.",
                )
            else:
                messages.success(request, "The agreement is saved.")
            return redirect("mentoring_space", pk=relationship.pk)
    intro = (
        "Changing the agreement after you both accepted it means you both accept it again."
        if current.pk and current.accepted_by_both
        else ""
    )
    return render_form(
        request, relationship, role, form, title="Your agreement", submit="Save", intro=intro
    )


@login_required
@require_POST
def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, _role = space_for(request.user, pk)
    version = parse_int(request.POST.get("version", ""), min_value=1, max_value=10**9)
    try:
        services.accept_agreement(relationship, request.user, version or 0)
    except SpaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "You accepted the agreement.")
    return redirect("mentoring_space", pk=relationship.pk)


@login_required
@GET_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, role = space_for(request.user, pk)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(relationship, request.user, **form.cleaned_data)
        except SpaceError as error:
            attach(form, error)
        else:
            messages.success(request, "The goal is added.")
            return redirect("mentoring_space", pk=relationship.pk)
    return render_form(request, relationship, role, form, title="Add a goal", submit="Add goal")


@login_required
@GET_POST
def goal(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    """A goal with its check-ins: POST ``action=check-in`` adds one,
    ``action=status`` changes the goal's status."""
    relationship, role = space_for(request.user, pk)
    found = Goal.objects.filter(relationship=relationship, pk=goal_id).first()
    if found is None:
        raise Http404("No such goal.")
    action = request.POST.get("action") if request.method == "POST" else None
    check_in = CheckInForm(request.POST if action == "check-in" else None, prefix="c")
    status = GoalStatusForm(
        request.POST if action == "status" else None, prefix="s", initial={"status": found.status}
    )
    bound = check_in if action == "check-in" else status if action == "status" else None
    if request.method == "POST" and bound is None:
        messages.error(request, "Choose what to do: add a check-in or change the status.")
    elif bound is not None and bound.is_valid():
        try:
            if bound is check_in:
                services.add_check_in(found, request.user, **check_in.cleaned_data)
                messages.success(request, "Your check-in is saved.")
            else:
                services.set_goal_status(found, request.user, status.cleaned_data["status"])
                messages.success(request, "The goal's status is saved.")
        except SpaceError as error:
            if not error.field:  # e.g. the relationship ended: the forms are gone
                messages.error(request, error.message)
                return redirect("mentoring_space_goal", pk=relationship.pk, goal_id=found.pk)
            attach(bound, error)
        else:
            return redirect("mentoring_space_goal", pk=relationship.pk, goal_id=found.pk)
    context = base_context(relationship, role) | {
        "goal": found,
        "check_ins": found.check_ins.select_related("author"),
        "check_in_form": check_in,
        "status_form": status,
    }
    return render(request, "mentoring/space/goal.html", context)


@login_required
@GET_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the relationship with the exit survey; once it has ended, the
    member who has not answered yet may still answer theirs."""
    relationship, role = space_for(request.user, pk)
    answered = ExitSurvey.objects.filter(relationship=relationship, role=role).exists()
    if answered:
        messages.info(request, "You have already answered the exit survey. Thank you.")
        return redirect("mentoring_space", pk=relationship.pk)
    form = ExitSurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        was_active = relationship.is_active
        try:
            closing.close_relationship(relationship, request.user, **form.cleaned_data)
        except SpaceError as error:
            attach(form, error)
        else:
            messages.success(
                request,
                "The relationship is closed. Thank you for your answers."
                if was_active
                else "Thank you for your answers.",
            )
            return redirect("mentoring_space", pk=relationship.pk)
    context = base_context(relationship, role) | {"form": form}
    return render(request, "mentoring/space/close.html", context)


@login_required
@require_POST
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, _role = space_for(request.user, pk)
    try:
        closing.ask_to_be_matched_again(relationship, request.user)
    except SpaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "You are back in the programme's list of mentees looking for a mentor. You will "
            "receive new suggestions, or the programme's staff will match you.",
        )
    return redirect("mentoring_space", pk=relationship.pk)
