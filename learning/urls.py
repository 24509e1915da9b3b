from django.urls import path

from .certificates import views as certificate_views
from .journey import views
from .privacy import views as privacy_views

urlpatterns = [
    path("me/", views.dashboard, name="learner_dashboard"),
    path("me/profile/", views.profile, name="learner_profile"),
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
    path("me/certificates/<id:pk>/pdf/", certificate_views.download, name="certificate_pdf"),
    path("certificates/verify/", certificate_views.verify_form, name="certificate_verify"),
    path(
        "certificates/verify/<str:code>/",
        certificate_views.verify,
        name="certificate_verify_code",
    ),
]
