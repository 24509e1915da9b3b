from django.http import HttpRequest
from django.urls import URLPattern, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from learning.certificates.admin_views import CertificateActionView, IssueCertificatesView
from learning.reporting.urls import admin_urls as reporting_admin_urls
from learning.reports.views import (
    PathLearnersView,
    PathReportView,
    ReportsView,
    path_report_export,
    summary_export,
)

from .compliance.admin_hooks import explain_draft_copy, refuse_bulk_publish, register_log_actions
from .compliance.entries import control_entries, controlled_models, paths_controlled_by
from .http_cache import learning_dependents
from .journey.extension_admin import ExtensionsView
from .journey.extensions import register_log_actions as register_extension_log_actions
from .journey.guide_paths import guide_paths_context
from .journey.home import home_page_context
from .journey.views.path_page import catalogue_context, guide_step_context
from .models import (
    Certificate,
    CertificateEvent,
    CreditClaim,
    Enrolment,
    StepCompletion,
    TestAttempt,
)
from .permissions import ReadOnlyRecordPolicy, refuse_deleting_records, staff_may_act
from .viewsets import LearnerRecordsGroup

for record_model in (
    Enrolment,
    StepCompletion,
    TestAttempt,
    CreditClaim,
    Certificate,
    CertificateEvent,
):
    register_permission_policy(record_model, ReadOnlyRecordPolicy(record_model))

hooks.register("guide_page_context", guide_step_context)
hooks.register("guide_page_context", guide_paths_context)
hooks.register("home_page_context", home_page_context)
hooks.register("path_index_page_context", catalogue_context)
hooks.register("before_delete_page", refuse_deleting_records)
# What a shared HTTP cache purges with a guide or a path (learning.http_cache).
hooks.register("http_cache_dependents", learning_dependents)


# The CME reviewer's screen (cms.disclosure_admin) for a learning path: its
# planners, reviewers and step guides' faculty.
hooks.register("content_control_entries", control_entries)
hooks.register("controlled_content_models", controlled_models)
hooks.register("content_controlled_by", paths_controlled_by)


@hooks.register("register_admin_viewset")
def register_learner_records() -> LearnerRecordsGroup:
    return LearnerRecordsGroup()


@hooks.register("register_admin_urls")
def certificate_admin_urls() -> list[URLPattern]:
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


@hooks.register("register_admin_menu_item")
def issue_certificates_menu_item() -> MenuItem:
    return StaffMenuItem(
        "Issue certificates", reverse("learning_issue_certificates"), icon_name="success", order=900
    )


@hooks.register("register_admin_menu_item")
def reports_menu_item() -> MenuItem:
    return StaffMenuItem("CME reports", reverse("learning_reports"), icon_name="table", order=901)


hooks.register("before_bulk_action", refuse_bulk_publish)
hooks.register("after_copy_page", explain_draft_copy)
hooks.register("register_log_actions", register_log_actions)
hooks.register("register_log_actions", register_extension_log_actions)
