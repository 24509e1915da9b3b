"""The CME office's report batches in the admin: the list, the validation
page that makes a batch, a batch's rows and files, the activity export, and
"ask the learner". Each shows only the staff member's institutions (a
superuser's: all); anything else is a 404, as if it did not exist."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from cms.admin_header import TitledAdminTemplateMixin
from cms.integers import parse_id, parse_int
from cms.models import Institution
from cms.site_url import absolute_url
from learning.http import AuthenticatedRequest
from learning.models import Certificate, ReportBatch, ReportBody
from learning.permissions import StaffOnlyMixin, institution_staff_q, staff_may_act

from .activity import activities_xlsx, institutions_for
from .batches import BatchRefused, batch_rows, create_batch, preview
from .eligibility import candidates
from .excel import XLSX, filename, learners_xlsx_chunks
from .json_report import learners_json_chunks
from .validation import ask_messages


def batches_for(user: Any) -> Any:
    return ReportBatch.objects.filter(institution_staff_q(user)).select_related(
        "institution", "created_by"
    )


def institutions_q(user: Any) -> Any:
    return Institution.objects.all() if user.is_superuser else user.staff_institutions.all()


def staff_batch(request: HttpRequest, pk: int) -> ReportBatch:
    if not staff_may_act(request.user):
        raise Http404
    return get_object_or_404(batches_for(request.user), pk=pk)


class BatchListView(StaffOnlyMixin, TitledAdminTemplateMixin, TemplateView):
    request: AuthenticatedRequest
    template_name = "learning/admin/reporting/batches.html"
    page_title = "PARS report batches"
    header_icon = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            batches=batches_for(self.request.user).order_by("-created_at", "-pk"),
            institutions=institutions_for(self.request.user),
            bodies=ReportBody.choices,
            last_year=timezone.localdate().year - 1,
            **kwargs,
        )


class NewBatchView(StaffOnlyMixin, TitledAdminTemplateMixin, TemplateView):
    """GET: what the next batch would hold and every problem. POST: make it."""

    request: AuthenticatedRequest
    template_name = "learning/admin/reporting/new_batch.html"
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not staff_may_act(request.user):
            raise Http404
        source = request.POST if request.method == "POST" else request.GET
        body = source.get("body", "")
        # parse_id: ASCII digits only ("²".isdigit() is true, int("²") fails).
        institution_id = parse_id(source.get("institution", ""))
        if body not in ReportBody.values or institution_id is None:
            raise Http404
        self.body = body
        self.institution = get_object_or_404(institutions_q(request.user), pk=institution_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"New {ReportBody(self.body).label} batch: {self.institution.name}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            plan=preview(self.institution, self.body),
            institution=self.institution,
            body=self.body,
            **kwargs,
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            # The rows the office saw: "" (never a fingerprint) when the page
            # did not send them, so a batch is only made from a checked page.
            checked = request.POST.get("rows", "")
            batch = create_batch(self.institution, self.body, request.user, checked=checked)
        except BatchRefused as refusal:
            messages.error(request, str(refusal))
            return self.render_to_response(self.get_context_data(refused=str(refusal)))
        messages.success(request, f"Batch {batch.number} made with {batch.rows.count()} rows.")
        return redirect("learning_report_batch", pk=batch.pk)


# The detail page lists a batch's rows a page at a time (a batch can hold
# 100,000); the files (Excel, JSON) always hold every row.
ROWS_PER_PAGE = 100


class BatchDetailView(StaffOnlyMixin, TitledAdminTemplateMixin, TemplateView):
    request: AuthenticatedRequest
    template_name = "learning/admin/reporting/batch.html"
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.batch = staff_batch(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.batch)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Not reported yet, as of now: the rows held back by a problem and the
        # learners without consent (the next batch's validation page lists them too).
        return super().get_context_data(
            batch=self.batch,
            rows=Paginator(batch_rows(self.batch), ROWS_PER_PAGE).get_page(
                self.request.GET.get("page")
            ),
            waiting=preview(self.batch.institution, self.batch.body),
            **kwargs,
        )


def _stream(chunks: Iterator[bytes], content_type: str, name: str) -> StreamingHttpResponse:
    """A download sent piece by piece (no Content-Length: the size is not
    known until the last row is written)."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def batch_xlsx(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    """The Excel file, sent as the rows are read."""
    batch = staff_batch(request, pk)
    return _stream(learners_xlsx_chunks(batch), XLSX, filename(batch, "xlsx"))


def batch_json(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    """The JSON document, sent as the rows are read."""
    batch = staff_batch(request, pk)
    response = StreamingHttpResponse(learners_json_chunks(batch), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename(batch, "json")}"'
    return response


# The first reporting year the activity export offers.
FIRST_REPORTING_YEAR = 2000


def activities_export(request: AuthenticatedRequest) -> HttpResponse:
    """Every credit path of the staff member's institutions, a sheet each;
    ``?institution=<id>`` for one; ``?year=<YYYY>`` for a past reporting
    year (by default the current one)."""
    if not staff_may_act(request.user):
        raise Http404
    institutions = institutions_for(request.user)
    raw = request.GET.get("institution")
    if raw is not None:
        institutions = [i for i in institutions if str(i.pk) == raw]
        if not institutions:
            raise Http404
    today = timezone.localdate()
    year = today.year
    if "year" in request.GET:
        asked = parse_int(request.GET["year"], min_value=FIRST_REPORTING_YEAR, max_value=today.year)
        if asked is None:
            raise Http404
        year = asked
    return _download(
        activities_xlsx(institutions, today=today, year=year),
        XLSX,
        f"pars-activities-{year}.xlsx",
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("learning_report_batches")


def ask_learner(request: AuthenticatedRequest, certificate_id: int) -> HttpResponse:
    """E-mail the learner what to fix (for CME and each board the certificate
    carries MOC for), with a link to their reporting details. POST only;
    another institution's certificate is a 404."""
    if not staff_may_act(request.user):
        raise Http404
    certificate = get_object_or_404(
        Certificate.objects.filter(institution_staff_q(request.user)).select_related(
            "institution", "user"
        ),
        pk=certificate_id,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    bodies = [ReportBody.CME.value] + sorted({m.board for m in certificate.moc.all()})
    asks: list[str] = []
    for body in bodies:
        for candidate in candidates(certificate.institution, body, only={certificate.pk}):
            for message in ask_messages(candidate, body):
                if message not in asks:
                    asks.append(message)
    email = certificate.user.email
    if not asks:
        messages.info(request, "Nothing for this learner to fix.")
    elif not email:
        messages.error(request, "This learner has no e-mail address: ask them another way.")
    else:
        # The learner's page is on the public site, not the admin.
        link = absolute_url(reverse("learner_reporting"), request)
        lines = "\n".join(f"- {ask}" for ask in asks)
        send_mail(
            f"{certificate.institution.name}: please check your details to report your credit",
            f"{certificate.institution.name} reports your credit for "
            f"“{certificate.activity_title}” (certificate {certificate.number}) to ACCME's PARS, "
            "which shares it with your licensing and certifying boards. It cannot yet, "
            f"because:\n\n{lines}\n\nPlease update your reporting details here:\n{link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        messages.success(request, f"We e-mailed {certificate.learner_name} what to fix.")
    return redirect(_back(request))
