"""The inbox, the settings page and the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cms.integers import parse_int

from . import kinds
from .forms import SettingsForm
from .models import Notification
from .services import is_enabled, mark_read, set_enabled, settings_for
from .unsubscribe import read_token

PER_PAGE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated  # login_required; narrows the type
    rows = Notification.objects.filter(user=request.user).only(
        "subject", "text", "url", "created_at", "read_at", "kind"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "unread": sum(1 for n in page if n.read_at is None)},
    )


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("id")
    # ASCII digits only: "²".isdigit() is true and int("²") fails.
    ids = [n for n in (parse_int(value, min_value=1) for value in raw) if n is not None]
    # No id at all: "mark all read". Ids given but none valid: nothing.
    changed = mark_read(request.user, ids if raw else None)
    if changed:
        messages.success(
            request, f"Marked {changed} notification{'s' if changed != 1 else ''} read."
        )
    return redirect("notification_inbox")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    current = {kind.key: enabled for kind, enabled in settings_for(request.user)}
    form = SettingsForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = [
            key
            for key, enabled in form.cleaned_data.items()
            if set_enabled(request.user, key, bool(enabled))
        ]
        messages.success(
            request, "Your notification settings are saved." if changed else "Nothing changed."
        )
        return redirect("notification_settings")
    return render(request, "notifications/settings.html", {"form": form})


@csrf_exempt  # the signed token authorises it; mail clients post without cookies (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners fetch GETs, so a GET changes
    nothing); POST turns the kind off, from that button or from the mail
    client's own one-click unsubscribe."""
    found = read_token(token)
    user = (
        get_user_model().objects.filter(pk=found.user_id, is_active=True).first()
        if found is not None and kinds.exists(found.kind)
        else None
    )
    if found is None or user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = kinds.get(found.kind)
    done = False
    if request.method == "POST":
        set_enabled(user, kind.key, False, via="email")
        done = True
    context = {"kind": kind, "done": done, "enabled": is_enabled(user, kind.key)}
    return render(request, "notifications/unsubscribe.html", context)
