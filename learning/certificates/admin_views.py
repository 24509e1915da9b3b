"""Admin views for institution staff: issue certificates in bulk, revoke and
reissue with a reason. Each acts only on the staff member's institutions."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from cms.admin_header import TitledAdminTemplateMixin
from cms.credits import format_credits
from cms.integers import IdMultipleChoiceField
from learning.exceptions import JourneyError
from learning.http import AuthenticatedRequest
from learning.models import Certificate, CertificateKind, CreditClaim
from learning.permissions import StaffOnlyMixin, staff_may_act

from . import issuance
from .bulk import claims_needing_certificates
from .kinds import hours_text
from .tasks import claims_not_issued, enqueue_issuance


class IssueForm(forms.Form):
    # Claim ids from checkboxes: text, or a number too large for the database,
    # is an ordinary "invalid choice" (cms.integers).
    claims = IdMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Completions"
    )

    def __init__(self, *args: Any, queryset: QuerySet[CreditClaim], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claims = cast(IdMultipleChoiceField, self.fields["claims"])
        claims.queryset = queryset
        claims.label_from_instance = lambda claim: (  # type: ignore[method-assign,assignment]
            f"{certificate_name(claim.enrolment.user)} — "
            f"{claim.enrolment.path.title} — {claim_amount(claim)} — {claim.get_status_display()}"
        )


def claim_amount(claim: CreditClaim) -> str:
    """Credits for a physician, hours of participation for anyone else (the
    certificate the learner's current profession will get)."""
    profile = getattr(claim.enrolment.user, "learner_profile", None)
    if profile is not None and profile.is_physician:
        return f"{format_credits(claim.credits)} credits"
    return f"{hours_text(claim.credits)} of participation"


def certificate_name(user: User) -> str:
    """The name the certificate will print (the learner's profile), which
    staff check before issuing; the account's name only if there is none."""
    profile = getattr(user, "learner_profile", None)
    if profile is not None and profile.full_name:
        return profile.printed_name
    return user.get_full_name() or user.username


class IssueCertificatesView(StaffOnlyMixin, TitledAdminTemplateMixin, FormView):
    request: AuthenticatedRequest
    template_name = "learning/admin/issue_certificates.html"
    page_title = "Issue certificates"
    header_icon = "success"
    form_class = IssueForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["queryset"] = claims_needing_certificates(
            user=self.request.user, include_awaiting=True
        )
        return kwargs

    def form_valid(self, form: IssueForm) -> HttpResponse:
        ids = [claim.pk for claim in form.cleaned_data["claims"]]
        failed = claims_not_issued(enqueue_issuance(ids, actor=self.request.user))
        messages.success(
            self.request,
            f"{len(ids)} certificate(s) queued for issue."
            + (f" {failed} failed and can be retried from this page." if failed else ""),
        )
        return redirect("learning_issue_certificates")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the certificate's audit log.",
    )


class CertificateActionView(StaffOnlyMixin, TitledAdminTemplateMixin, FormView):
    request: AuthenticatedRequest
    template_name = "learning/admin/certificate_action.html"
    header_icon = "warning"
    form_class = ReasonForm
    action = ""  # "revoke" or "reissue", given to as_view()

    def get_page_title(self) -> str:
        return f"{self.action.capitalize()} certificate {self.certificate.number}"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not staff_may_act(request.user):
            raise Http404
        certificate = (
            Certificate.objects.visible_to_staff(self.request.user).filter(pk=kwargs["pk"]).first()
        )
        if certificate is None:
            raise Http404
        self.certificate = certificate
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        reissued_kind = None
        if self.action == "reissue":
            kind = issuance.kind_after_reissue(self.certificate)
            reissued_kind = CertificateKind(kind).label if kind else None
        return super().get_context_data(
            certificate=self.certificate,
            action=self.action,
            reissued_kind=reissued_kind,
            **kwargs,
        )

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        do = issuance.revoke if self.action == "revoke" else issuance.reissue
        try:
            result = do(self.certificate, self.request.user, form.cleaned_data["reason"])
        except JourneyError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Certificate {result.number}: {self.action} done.")
        return redirect(reverse("certificate:inspect", args=(result.pk,)))
