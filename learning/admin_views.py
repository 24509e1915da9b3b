"""Admin views for institution staff: issue certificates in bulk, revoke and
reissue with a reason. Each acts only on the staff member's institutions."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.credits import format_credits
from cms.integers import IdMultipleChoiceField

from . import reports
from .certificates import issuance
from .certificates.bulk import claims_needing_certificates, enqueue_issuance
from .exceptions import JourneyError
from .models import Certificate
from .permissions import staff_may_act


class StaffOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not staff_may_act(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class IssueForm(forms.Form):
    # Claim ids from checkboxes: text, or a number too large for the database,
    # is an ordinary "invalid choice" (cms.integers).
    claims = IdMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Completions"
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = queryset
        self.fields["claims"].label_from_instance = lambda claim: (
            f"{certificate_name(claim.enrolment.user)} — "
            f"{claim.enrolment.path.title} — {format_credits(claim.credits)} credits — "
            f"{claim.get_status_display()}"
        )


def certificate_name(user):
    """The name the certificate will print (the learner's profile), which
    staff check before issuing; the account's name only if there is none."""
    profile = getattr(user, "learner_profile", None)
    if profile is not None and profile.full_name:
        return profile.printed_name
    return user.get_full_name() or user.username


class IssueCertificatesView(StaffOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "learning/admin/issue_certificates.html"
    page_title = "Issue certificates"
    header_icon = "success"
    form_class = IssueForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["queryset"] = claims_needing_certificates(
            user=self.request.user, include_awaiting=True
        )
        return kwargs

    def form_valid(self, form):
        ids = [claim.pk for claim in form.cleaned_data["claims"]]
        results = enqueue_issuance(ids, actor=self.request.user)
        failed = sum(1 for r in results if r.status == "FAILED")
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


class CertificateActionView(StaffOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "learning/admin/certificate_action.html"
    header_icon = "warning"
    form_class = ReasonForm
    action = None  # "revoke" or "reissue"

    def get_page_title(self):
        return f"{self.action.capitalize()} certificate {self.certificate.number}"

    def dispatch(self, request, *args, **kwargs):
        if not staff_may_act(request.user):
            raise Http404
        self.certificate = (
            Certificate.objects.visible_to_staff(request.user).filter(pk=kwargs["pk"]).first()
        )
        if self.certificate is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, action=self.action, **kwargs)

    def form_valid(self, form):
        do = issuance.revoke if self.action == "revoke" else issuance.reissue
        try:
            result = do(self.certificate, self.request.user, form.cleaned_data["reason"])
        except JourneyError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Certificate {result.number}: {self.action} done.")
        return redirect(reverse("certificate:inspect", args=(result.pk,)))


class ReportsView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "learning/admin/reports.html"
    page_title = "CME reports"
    header_icon = "table"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=reports.path_summaries(self.request.user), **kwargs)


class PathReportView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "learning/admin/path_report.html"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not staff_may_act(request.user):
            raise Http404
        self.path = reports.paths_for(request.user).filter(pk=kwargs["pk"]).first()
        if self.path is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Report: {self.path.title}"

    def get_context_data(self, **kwargs):
        summary = next(
            r for r in reports.path_summaries(self.request.user) if r["path"] == self.path
        )
        return super().get_context_data(
            path=self.path,
            summary=summary,
            evaluation=reports.evaluation_summary(self.path),
            **kwargs,
        )


def pars_export(request, pk=None):
    if not staff_may_act(request.user):
        raise Http404
    path = None
    if pk is not None:
        path = reports.paths_for(request.user).filter(pk=pk).first()
        if path is None:
            raise Http404
    response = HttpResponse(
        reports.pars_csv(request.user, path), content_type="text/csv; charset=utf-8"
    )
    name = f"pars-credit-{path.slug if path else 'all'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
