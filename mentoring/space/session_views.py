"""Sessions and their notes: schedule, change, cancel, mark held, notes, and
the calendar invitation. Same shape as ``views.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import SessionNote
from . import ics, scheduling, services
from .errors import SpaceError
from .forms import NoteForm, SessionForm
from .permissions import may_change_record, session_for, space_for
from .views import GET_POST, attach, base_context, render_form
from .zones import local, zone_name


def _session_values(form: SessionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "starts_at": data["starts_at"],
        "minutes": data["minutes"],
        "location": data["location"],
        "video_url": data["video_url"],
        "agenda": data["agenda"],
    }


@login_required
@GET_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, role = space_for(request.user, pk)
    zone = zone_name(relationship, role)
    form = SessionForm(request.POST if request.method == "POST" else None, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            session = scheduling.schedule_session(
                relationship, request.user, **_session_values(form)
            )
        except SpaceError as error:
            attach(form, error if error.field != "starts_at" else SpaceError(error.message, "time"))
        else:
            messages.success(request, "The session is scheduled. Add it to your calendar below.")
            return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)
    return render_form(
        request, relationship, role, form, title="Schedule a session", submit="Schedule"
    )


@login_required
@GET_POST
def session_detail(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    """The session, its notes (shared ones and the viewer's private ones),
    and the form to add a note (POST)."""
    relationship, role = space_for(request.user, pk)
    session = session_for(relationship, session_id)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(session, request.user, **form.cleaned_data)
        except SpaceError as error:
            if not error.field:  # cancelled session or ended relationship: no form shown
                messages.error(request, error.message)
                return redirect(
                    "mentoring_space_session", pk=relationship.pk, session_id=session.pk
                )
            attach(form, error)
        else:
            messages.success(request, "Your note is saved.")
            return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)
    notes = (
        SessionNote.objects.visible_to(request.user)
        .filter(session=session)
        .select_related("author")
    )
    context = base_context(relationship, role) | {
        "session": session,
        "notes": notes,
        "form": form,
        "started": session.starts_at <= timezone.now(),
        "can_change": may_change_record(relationship, request.user),
    }
    return render(request, "mentoring/space/session.html", context)


@login_required
@GET_POST
def session_edit(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    relationship, role = space_for(request.user, pk)
    session = session_for(relationship, session_id)
    zone = zone_name(relationship, role)
    start = local(session.starts_at, zone)
    initial = {
        "date": start.date(),
        "time": start.time().replace(tzinfo=None),
        "minutes": session.minutes,
        "location": session.location,
        "video_url": session.video_url,
        "agenda": session.agenda,
    }
    form = SessionForm(
        request.POST if request.method == "POST" else None, zone=zone, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            _session, changed = scheduling.reschedule_session(
                session, request.user, **_session_values(form)
            )
        except SpaceError as error:
            attach(form, error if error.field != "starts_at" else SpaceError(error.message, "time"))
        else:
            messages.success(
                request,
                "The session is changed. The updated invitation replaces the old one in your "
                "calendar."
                if changed
                else "Nothing changed.",
            )
            return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)
    return render_form(
        request, relationship, role, form, title="Change the session", submit="Save changes"
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    relationship, _role = space_for(request.user, pk)
    session = session_for(relationship, session_id)
    try:
        scheduling.cancel_session(session, request.user)
    except SpaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The session is cancelled. Open its invitation to remove it from your calendar.",
        )
    return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)


@login_required
@require_POST
def session_held(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    relationship, _role = space_for(request.user, pk)
    session = session_for(relationship, session_id)
    try:
        scheduling.mark_held(session, request.user)
    except SpaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as held.")
    return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)


@login_required
@require_POST
def note_delete(request: HttpRequest, pk: int, session_id: int, note_id: int) -> HttpResponse:
    relationship, _role = space_for(request.user, pk)
    session = session_for(relationship, session_id)
    try:
        deleted = services.delete_note(note_id, session, request.user)
    except SpaceError as error:  # the relationship ended: its notes are read-only
        messages.error(request, error.message)
        return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)
    if not deleted:
        raise Http404("No such note of yours.")
    messages.success(request, "Your note is deleted.")
    return redirect("mentoring_space_session", pk=relationship.pk, session_id=session.pk)


@login_required
@require_GET
def invite(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    relationship, _role = space_for(request.user, pk)
    session = session_for(relationship, session_id)
    response = HttpResponse(
        ics.invitation(session, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(session)}"'
    return response
