"""The staff screen for claim extensions (/admin/cme-reports/extensions/): the
extensions granted on the staff member's institutions' paths, and a form to
grant one learner more time to claim. The rules are in ``extensions.py``."""

import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView

from cms.admin_header import TitledAdminTemplateMixin
from cms.integers import parse_int
from learning.exceptions import JourneyError
from learning.http import AuthenticatedRequest
from learning.models import ClaimExtension, Enrolment, LearningPathPage
from learning.permissions import StaffOnlyMixin, institution_staff_q, staff_visible_q

from .extensions import (
    MAX_REASON,
    grant_extension,
    latest_extension_day,
    until_error,
    waiting_enrolment,
)

NOT_WAITING = (
    "No learner with that username or e-mail has finished this path's evaluation "
    "without claiming credit."
)


def staff_credit_paths(user: Any) -> QuerySet[LearningPathPage]:
    """Credit paths accredited by an institution ``user`` staffs."""
    return (
        LearningPathPage.objects.filter(institution_staff_q(user), max_credits__gt=0)
        .distinct()
        .order_by("title")
    )


class ExtensionForm(forms.Form):
    path = forms.ModelChoiceField(queryset=LearningPathPage.objects.none(), label="Path")
    learner = forms.CharField(
        max_length=254, label="Learner", help_text="Their username or e-mail address."
    )
    until = forms.DateField(
        label="May claim until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The learner may claim up to and including this day: at most a year from today.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON,
        help_text="Kept in the path's history.",
    )

    def __init__(self, *args: Any, paths: QuerySet[LearningPathPage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["path"]).queryset = paths
        self.fields["until"].widget.attrs.update(
            min=timezone.localdate().isoformat(), max=latest_extension_day().isoformat()
        )

    def clean_until(self) -> datetime.date:
        until: datetime.date = self.cleaned_data["until"]
        if error := until_error(until):
            raise forms.ValidationError(error)
        return until

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        path, who = cleaned.get("path"), cleaned.get("learner")
        if path is not None and who:
            enrolment = waiting_enrolment(path, who)
            if enrolment is None:
                self.add_error("learner", NOT_WAITING)
            cleaned["enrolment"] = enrolment
        return cleaned


class ExtensionsView(StaffOnlyMixin, TitledAdminTemplateMixin, FormView):
    request: AuthenticatedRequest
    template_name = "learning/admin/extensions.html"
    page_title = "Claim extensions"
    header_icon = "date"
    form_class = ExtensionForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["paths"] = staff_credit_paths(self.request.user)
        return kwargs

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Another institution's path is not there for this staff member: 404,
        # as for its reports and certificates.
        path_id = parse_int(request.POST.get("path", ""))
        if (
            path_id is not None
            and LearningPathPage.objects.filter(pk=path_id).exists()
            and not staff_credit_paths(request.user).filter(pk=path_id).exists()
        ):
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        extensions = (
            ClaimExtension.objects.filter(staff_visible_q(self.request.user, "enrolment__path"))
            .select_related("enrolment__user", "enrolment__path", "granted_by")
            .distinct()[:200]
        )
        return super().get_context_data(extensions=extensions, **kwargs)

    def form_valid(self, form: ExtensionForm) -> HttpResponse:
        enrolment: Enrolment = form.cleaned_data["enrolment"]
        try:
            extension = grant_extension(
                enrolment,
                form.cleaned_data["until"],
                form.cleaned_data["reason"],
                self.request.user,
            )
        except JourneyError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{enrolment.user.get_username()} may claim credit for “{enrolment.path.title}” "
            f"until {extension.until:%-d %B %Y}.",
        )
        return redirect("learning_claim_extensions")
