"""The staff admin's CME reports: per-path figures, one path's report with its
charts and CSV, and the learners of a path. Each shows only the staff member's
institutions; another institution's path is a 404. Reporting credit to PARS is
learning.reporting (report batches)."""

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.generic import TemplateView

from cms.admin_header import TitledAdminTemplateMixin
from learning.http import AuthenticatedRequest
from learning.models import LearningPathPage
from learning.permissions import StaffOnlyMixin, staff_may_act

from .learners import enrolled_in, learner_rows
from .period import PeriodForm, default_period
from .report import build_report, chart, csv_filename, report_csv
from .services import (
    overall_counts,
    path_summaries,
    paths_for,
    summary_csv,
)


class ReportsView(StaffOnlyMixin, TitledAdminTemplateMixin, TemplateView):
    request: AuthenticatedRequest
    template_name = "learning/admin/reports.html"
    page_title = "CME reports"
    header_icon = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return super().get_context_data(
            rows=path_summaries(user), overall=overall_counts(user), **kwargs
        )


def staff_path(request: HttpRequest, pk: int) -> LearningPathPage:
    """The path ``pk`` when the staff member's institution accredits it."""
    if not staff_may_act(request.user):
        raise Http404
    path = paths_for(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if path is None:
        raise Http404
    return path


class PathViewMixin(TitledAdminTemplateMixin, TemplateView):
    request: AuthenticatedRequest
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.path = staff_path(request, kwargs["pk"])
        self.form = PeriodForm(request.GET, default=default_period(self.path))
        return super().dispatch(request, *args, **kwargs)


class PathReportView(PathViewMixin):
    template_name = "learning/admin/path_report.html"

    def get_page_title(self) -> str:
        return f"Report: {self.path.title}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        [summary] = path_summaries(self.request.user, only=self.path)
        report = build_report(self.path, self.form.period)
        charts = {figure.key: chart(figure) for figure in report.all_figures}
        return super().get_context_data(
            path=self.path,
            summary=summary,
            form=self.form,
            report=report,
            figures=[(figure, charts[figure.key]) for figure in report.figures],
            questions=[
                {**q, "chart": charts[q["figure"].key] if q["figure"] else None}
                for q in report.questions
            ],
            **kwargs,
        )


# The drill-down shows the learners a page at a time (a popular path has tens
# of thousands); the count above the table is all of them.
LEARNERS_PER_PAGE = 50


class PathLearnersView(PathViewMixin):
    template_name = "learning/admin/reports/learners.html"

    def get_page_title(self) -> str:
        return f"Learners: {self.path.title}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        period = self.form.period
        enrolments = enrolled_in(self.path, period).order_by("enrolled_at", "pk")
        page = Paginator(enrolments, LEARNERS_PER_PAGE).get_page(self.request.GET.get("page"))
        start = (page.number - 1) * LEARNERS_PER_PAGE
        return super().get_context_data(
            path=self.path,
            form=self.form,
            period=period,
            page_obj=page,
            rows=learner_rows(self.path, period, page=slice(start, start + LEARNERS_PER_PAGE)),
            **kwargs,
        )


def path_report_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every series of the path's charts, for the date range asked, as CSV."""
    path = staff_path(request, pk)
    form = PeriodForm(request.GET, default=default_period(path))
    report = build_report(path, form.period)
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(report)}"'
    return response


def summary_export(request: AuthenticatedRequest) -> HttpResponse:
    """The reports table (physicians and other learners apart) as CSV."""
    if not staff_may_act(request.user):
        raise Http404
    response = HttpResponse(summary_csv(request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cme-reports.csv"'
    return response
