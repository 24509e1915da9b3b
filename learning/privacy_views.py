"""The learner's privacy page: what we hold, the JSON export, and account
deletion. Thin: the rules live in learning.privacy."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import privacy
from .ratelimit import allow, seconds_until_next_window

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

    def __init__(self, *args, kind="password", **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "username":
            field = self.fields["confirmation"]
            field.label = "Your username"
            field.widget = forms.TextInput(attrs={"autocomplete": "off"})
            field.error_messages["required"] = "Type your username to confirm."


def _context(request, **extra):
    user = request.user
    return {
        "holdings": privacy.holdings(user),
        "refusal": privacy.deletion_refusal(user),
        "retention_years": privacy.RETENTION_YEARS,
        **extra,
    }


@never_cache
@login_required
def privacy_page(request):
    return TemplateResponse(request, "learning/privacy.html", _context(request))


@never_cache
@login_required
def export(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(
        privacy.export_json(request.user), content_type="application/json; charset=utf-8"
    )
    filename = f"curbside-data-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def delete_account(request):
    user = request.user
    kind = privacy.confirmation_kind(user)
    form = DeleteAccountForm(request.POST or None, kind=kind)
    refusal = privacy.deletion_refusal(user)
    if request.method != "POST":
        return _delete_page(request, form, status=200)
    if refusal:
        return _delete_page(request, form, status=403)
    if not allow(request, f"privacy-delete-{user.pk}", DELETE_LIMIT, DELETE_WINDOW):
        form.add_error(None, "Too many attempts. Wait a few minutes and try again.")
        response = _delete_page(request, form, status=429)
        response["Retry-After"] = str(seconds_until_next_window(DELETE_WINDOW))
        return response
    if not form.is_valid():
        return _delete_page(request, form, status=400)
    try:
        result = privacy.delete_account(user, form.cleaned_data["confirmation"])
    except privacy.DeletionRefused:
        return _delete_page(request, form, status=403)
    except privacy.PrivacyError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _delete_page(request, form, status=400)
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


def _delete_page(request, form, status):
    return TemplateResponse(
        request,
        "learning/privacy_delete.html",
        _context(request, form=form, kind=privacy.confirmation_kind(request.user)),
        status=status,
    )


def deleted(request):
    return TemplateResponse(
        request, "learning/privacy_deleted.html", {"retention_years": privacy.RETENTION_YEARS}
    )
