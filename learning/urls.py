from django.urls import path

from .certificates import external_views
from .certificates import views as certificate_views
from .journey.views import learner as learner_views
from .privacy import views as privacy_views
from .reporting import views_learner as reporting_views

urlpatterns = [
    path("me/", learner_views.dashboard, name="learner_dashboard"),
    path("me/profile/", learner_views.profile, name="learner_profile"),
    path("me/profile/reporting/", reporting_views.reporting, name="learner_reporting"),
    path("me/privacy/", privacy_views.privacy_page, name="learner_privacy"),
    path("me/privacy/export.json", privacy_views.export, name="learner_privacy_export"),
    path("me/privacy/delete/", privacy_views.delete_account, name="learner_privacy_delete"),
    path("me/privacy/deleted/", privacy_views.deleted, name="privacy_deleted"),
    path("me/transcript/", certificate_views.transcript_page, name="learner_transcript"),
    path(
        "me/transcript/transcript.csv",
        certificate_views.transcript_csv_download,
        name="learner_transcript_csv",
    ),
    path(
        "me/transcript/transcript.pdf",
        certificate_views.transcript_pdf_download,
        name="learner_transcript_pdf",
    ),
    path("me/transcript/external/add/", external_views.credit_add, name="external_credit_add"),
    path(
        "me/transcript/external/<id:pk>/edit/",
        external_views.credit_edit,
        name="external_credit_edit",
    ),
    path(
        "me/transcript/external/<id:pk>/delete/",
        external_views.credit_delete,
        name="external_credit_delete",
    ),
    path(
        "me/transcript/external/<id:pk>/certificate/",
        external_views.credit_certificate,
        name="external_credit_certificate",
    ),
    path("me/transcript/cycles/add/", external_views.cycle_add, name="licence_cycle_add"),
    path(
        "me/transcript/cycles/<id:pk>/edit/", external_views.cycle_edit, name="licence_cycle_edit"
    ),
    path(
        "me/transcript/cycles/<id:pk>/delete/",
        external_views.cycle_delete,
        name="licence_cycle_delete",
    ),
    path("me/certificates/<id:pk>/pdf/", certificate_views.download, name="certificate_pdf"),
    path("certificates/verify/", certificate_views.verify_form, name="certificate_verify"),
    path(
        "certificates/verify/<str:code>/",
        certificate_views.verify,
        name="certificate_verify_code",
    ),
]
