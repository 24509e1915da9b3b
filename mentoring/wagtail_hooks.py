from django.urls import URLPattern, path

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import CohortView
from .models import Programme
from .permissions import ProgrammePolicy
from .viewsets import ProgrammeViewSet

register_permission_policy(Programme, ProgrammePolicy(Programme))


@hooks.register("register_admin_viewset")
def register_programmes() -> ProgrammeViewSet:
    return ProgrammeViewSet()


@hooks.register("register_admin_urls")
def cohort_urls() -> list[URLPattern]:
    return [
        path(
            "mentoring/programmes/<id:pk>/cohort/",
            CohortView.as_view(),
            name="mentoring_cohort",
        )
    ]
