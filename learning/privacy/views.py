"""The learner's privacy page: what we hold, the JSON export, and account
deletion. Thin: the rules live in the other modules of learning.privacy."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from learning.http import AuthenticatedRequest
from learning.ratelimit import allow, seconds_until_next_window

from .deletion import DeletionRefused, PrivacyError
from .deletion import delete_account as delete_user_account
from .export import export_json
from .plan import DeletionPlan, plan_deletion
from .retention import RETENTION_YEARS

DELETE_LIMIT = 5  # confirmation attempts per account and client per 15 minutes
DELETE_WINDOW = 15 * 60


class DeleteAccountForm(forms.Form):
    confirmation = forms.CharField(
        label="Your current password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password to confirm."},
    )

    def __init__(self, *args: Any, kind: str = "password", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == "username":
            field = self.fields["confirmation"]
            field.label = "Your username"
            field.widget = forms.TextInput(attrs={"autocomplete": "off"})
            field.error_messages["required"] = "Type your username to confirm."


def _context(plan: DeletionPlan, **extra: Any) -> dict[str, Any]:
    return {
        "plan": plan,
        "refusal": plan.refusal,
        "retention_years": RETENTION_YEARS,
        **extra,
    }


@never_cache
@login_required
def privacy_page(request: AuthenticatedRequest) -> HttpResponse:
    plan = plan_deletion(request.user)
    return TemplateResponse(request, "learning/privacy.html", _context(plan))


@never_cache
@login_required
def export(request: AuthenticatedRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(
        export_json(request.user), content_type="application/json; charset=utf-8"
    )
    filename = f"curbside-data-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def delete_account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    plan = plan_deletion(user)
    form = DeleteAccountForm(request.POST or None, kind=plan.confirmation_kind)
    if request.method != "POST":
        return _delete_page(request, plan, form, status=200)
    if plan.refusal:
        return _delete_page(request, plan, form, status=403)
    if not allow(request, f"privacy-delete-{user.pk}", DELETE_LIMIT, DELETE_WINDOW):
        form.add_error(None, "Too many attempts. Wait a few minutes and try again.")
        response = _delete_page(request, plan, form, status=429)
        response["Retry-After"] = str(seconds_until_next_window(DELETE_WINDOW))
        return response
    if not form.is_valid():
        return _delete_page(request, plan, form, status=400)
    try:
        result = delete_user_account(user, form.cleaned_data["confirmation"])
    except DeletionRefused:
        # Refused under the lock: show the account as it is now.
        return _delete_page(request, plan_deletion(user), form, status=403)
    except PrivacyError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _delete_page(request, plan_deletion(user), form, status=400)
    logout(request)
    if result.certificates_kept:
        messages.success(
            request,
            f"Your account is deleted. We keep your {result.certificates_kept} issued "
            f"certificate{'s' if result.certificates_kept != 1 else ''} until "
            f"{result.retain_until:%-d %B %Y}, as accreditors require; they still verify.",
        )
    else:
        messages.success(request, "Your account and everything we held about you are deleted.")
    return redirect("privacy_deleted")


def _delete_page(
    request: HttpRequest, plan: DeletionPlan, form: DeleteAccountForm, status: int
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "learning/privacy_delete.html",
        _context(plan, form=form, kind=plan.confirmation_kind),
        status=status,
    )


def deleted(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "learning/privacy_deleted.html", {"retention_years": RETENTION_YEARS}
    )
