"""The CME office's admin screens that are not viewsets (issuing, revoking and
reissuing certificates; CME reports, their exports and claim extensions;
report batches to PARS) and their menu items, shown only to staff who may
act (learning.permissions.staff_may_act). learning/wagtail_hooks.py
registers them."""

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path, reverse

from wagtail.admin.menu import MenuItem

from learning.certificates.admin_views import CertificateActionView, IssueCertificatesView
from learning.reporting.urls import admin_urls as reporting_admin_urls
from learning.reports.views import (
    PathLearnersView,
    PathReportView,
    ReportsView,
    path_report_export,
    summary_export,
)

from .journey.extension_admin import ExtensionsView
from .permissions import staff_may_act


def admin_urls() -> list[URLPattern | URLResolver]:
    return [
        path(
            "certificates/issue/",
            IssueCertificatesView.as_view(),
            name="learning_issue_certificates",
        ),
        path(
            "certificates/<id:pk>/revoke/",
            CertificateActionView.as_view(action="revoke"),
            name="learning_revoke_certificate",
        ),
        path(
            "certificates/<id:pk>/reissue/",
            CertificateActionView.as_view(action="reissue"),
            name="learning_reissue_certificate",
        ),
        path("cme-reports/", ReportsView.as_view(), name="learning_reports"),
        path("cme-reports/extensions/", ExtensionsView.as_view(), name="learning_claim_extensions"),
        path("cme-reports/<id:pk>/", PathReportView.as_view(), name="learning_path_report"),
        path(
            "cme-reports/<id:pk>/learners/",
            PathLearnersView.as_view(),
            name="learning_path_learners",
        ),
        path("cme-reports/<id:pk>/report.csv", path_report_export, name="learning_path_report_csv"),
        path("cme-reports/summary.csv", summary_export, name="learning_reports_export"),
        *reporting_admin_urls,  # report batches to PARS (learning.reporting.urls)
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return staff_may_act(request.user)


def issue_certificates_menu_item() -> MenuItem:
    return StaffMenuItem(
        "Issue certificates", reverse("learning_issue_certificates"), icon_name="success", order=900
    )


def reports_menu_item() -> MenuItem:
    return StaffMenuItem("CME reports", reverse("learning_reports"), icon_name="table", order=901)
