"""The staff admin's CME reports: per-path figures and one path's report.
Each shows only the staff member's institutions. Reporting credit to PARS is
learning.reporting (report batches)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import TemplateView

from cms.admin_header import TitledAdminTemplateMixin
from learning.http import AuthenticatedRequest
from learning.permissions import StaffOnlyMixin, staff_may_act

from .services import (
    evaluation_summary,
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


class PathReportView(StaffOnlyMixin, TitledAdminTemplateMixin, TemplateView):
    request: AuthenticatedRequest
    template_name = "learning/admin/path_report.html"
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not staff_may_act(request.user):
            raise Http404
        path = paths_for(self.request.user).filter(pk=kwargs["pk"]).first()
        if path is None:
            raise Http404
        self.path = path
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"Report: {self.path.title}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        summary = next(r for r in path_summaries(self.request.user) if r["path"] == self.path)
        return super().get_context_data(
            path=self.path,
            summary=summary,
            evaluation=evaluation_summary(self.path),
            **kwargs,
        )


def summary_export(request: AuthenticatedRequest) -> HttpResponse:
    """The reports table (physicians and other learners apart) as CSV."""
    if not staff_may_act(request.user):
        raise Http404
    response = HttpResponse(summary_csv(request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cme-reports.csv"'
    return response
