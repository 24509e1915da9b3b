from django.urls import path

from . import views
from .certificates import views as certificate_views

urlpatterns = [
    path("me/", views.dashboard, name="learner_dashboard"),
    path("me/profile/", views.profile, name="learner_profile"),
    path("me/certificates/<int:pk>/pdf/", certificate_views.download, name="certificate_pdf"),
    path("certificates/verify/", certificate_views.verify_form, name="certificate_verify"),
    path(
        "certificates/verify/<str:code>/",
        certificate_views.verify,
        name="certificate_verify_code",
    ),
]
