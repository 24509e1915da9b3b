"""Registers mentoring's screens with the Wagtail admin (nothing else here)."""

from django.urls import URLPattern, URLResolver, include, path

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import CohortView
from .models import Programme
from .permissions import ProgrammePolicy
from .reports import admin_urls as report_urls
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


@hooks.register("register_admin_urls")
def register_report_urls() -> list[URLResolver]:
    return [path("", include(report_urls))]
