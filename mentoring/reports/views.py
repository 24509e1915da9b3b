"""A mentoring programme's report in the staff admin, and its CSV. Staff see
only their institution's programmes: another's is a 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from cms.admin_header import TitledAdminTemplateMixin
from mentoring.models import Programme
from mentoring.permissions import is_programme_staff

from .export import csv_filename, report_csv
from .programme import END_REASON_LABELS, REQUEST_STATUS_LABELS, build_report


def staff_programme(request: HttpRequest, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("institution"), pk=pk)
    if not is_programme_staff(request.user, programme):
        raise Http404
    return programme


class ProgrammeReportView(TitledAdminTemplateMixin, TemplateView):
    template_name = "mentoring/admin/programme_report.html"
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.programme = staff_programme(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"Programme report: {self.programme.title}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = build_report(self.programme, timezone.now())
        return super().get_context_data(
            report=report,
            programme=self.programme,
            request_statuses=[
                (REQUEST_STATUS_LABELS[key], report.overall.requests_by_status.get(key, 0))
                for key in REQUEST_STATUS_LABELS
            ],
            end_reasons=[
                (END_REASON_LABELS.get(key, key or "No reason given"), count)
                for key, count in report.overall.end_reasons.most_common()
            ],
            **kwargs,
        )


def programme_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    programme = staff_programme(request, pk)
    report = build_report(programme, timezone.now())
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(report)}"'
    return response
