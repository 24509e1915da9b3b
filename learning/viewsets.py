"""Read-only admin views of learner records for institution staff: each user
sees only records of paths that an institution they staff accredits."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

import django_filters
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from cms.integers import RefuseBadIdsMixin

from .models import (
    Certificate,
    CertificateEvent,
    CreditClaim,
    Enrolment,
    StepCompletion,
    TestAttempt,
)
from .permissions import AnyUser, institution_staff_q, staff_visible_q


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A list filter on a related record (``?path=<id>``): a value that is not
    a plausible id is an invalid choice, shown on the filter, without a query."""

    field_class = type("IdFilterField", (RefuseBadIdsMixin, FilterModelChoiceField), {})


class RecordFilterSet(WagtailFilterSet):
    FILTER_DEFAULTS = {
        **WagtailFilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {
            **WagtailFilterSet.FILTER_DEFAULTS[models.ForeignKey],
            "filter_class": IdChoiceFilter,
        },
    }


class ScopedIndexView(IndexView):
    base_filterset_class = RecordFilterSet
    scope_q: Callable[[AnyUser], Q]  # set by LearnerRecordViewSet.index_view_class
    related: tuple[str, ...] = ()  # set by LearnerRecordViewSet.index_view_class

    def get_base_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_base_queryset().filter(self.scope_q(self.request.user))
        return queryset.select_related(*self.related) if self.related else queryset


class ScopedInspectView(InspectView):
    scope_q: Callable[[AnyUser], Q]  # set by LearnerRecordViewSet.inspect_view_class

    def get_object(self, queryset: models.QuerySet[Any] | None = None) -> models.Model:
        scoped = self.model._default_manager.filter(self.scope_q(self.request.user))
        return get_object_or_404(scoped, pk=self.pk)


class LearnerRecordViewSet(ModelViewSet):
    """Records are written by the learner's journey only: no add, edit or delete
    permission is granted to anyone but superusers."""

    path_lookup = "enrolment__path"
    # What a row shows: the learner's printed name and the path's title.
    related: tuple[str, ...] = ("enrolment__user__learner_profile", "enrolment__path")
    inspect_view_enabled = True
    copy_view_enabled = False
    exclude_form_fields: list[str] = []

    def scope_q(self, user: AnyUser) -> Q:
        return staff_visible_q(user, self.path_lookup)

    @property
    def index_view_class(self) -> type[ScopedIndexView]:
        return type(
            "IndexView",
            (ScopedIndexView,),
            {"scope_q": staticmethod(self.scope_q), "related": self.related},
        )

    @property
    def inspect_view_class(self) -> type[ScopedInspectView]:
        return type("InspectView", (ScopedInspectView,), {"scope_q": staticmethod(self.scope_q)})


class EnrolmentViewSet(LearnerRecordViewSet):
    model = Enrolment
    path_lookup = "path"
    related = ("user__learner_profile", "path")
    icon = "user"
    menu_label = "Enrolments"
    list_display = ["learner_name", "path", "enrolled_at", "completed_at"]
    list_filter = ["path", "enrolled_at", "completed_at"]
    inspect_view_fields = ["user", "path", "enrolled_at", "completed_at"]


class StepCompletionViewSet(LearnerRecordViewSet):
    model = StepCompletion
    icon = "tick"
    menu_label = "Step completions"
    list_display = ["enrolment", "guide_title", "guide_revision_number", "completed_at"]
    list_filter = ["enrolment__path", "completed_at"]


class TestAttemptViewSet(LearnerRecordViewSet):
    model = TestAttempt
    icon = "help"
    menu_label = "Post-test attempts"
    list_display = ["enrolment", "number", "score", "pass_mark", "passed", "submitted_at"]
    list_filter = ["enrolment__path", "passed", "submitted_at"]
    inspect_view_fields = ["enrolment", "number", "score", "pass_mark", "passed", "submitted_at"]


class CreditClaimViewSet(LearnerRecordViewSet):
    model = CreditClaim
    icon = "success"
    menu_label = "Credit claims"
    list_display = ["enrolment", "credits", "status", "claimed_at"]
    list_filter = ["enrolment__path", "status", "claimed_at"]
    inspect_view_fields = [
        "enrolment",
        "credits",
        "max_credits",
        "attested",
        "status",
        "claimed_at",
    ]


class CertificateActionsColumn(Column):
    cell_template_name = "learning/admin/certificate_actions_cell.html"

    def get_value(self, instance: Certificate) -> Certificate:
        return instance


class CertificateViewSet(LearnerRecordViewSet):
    model = Certificate
    path_lookup = "path"
    related = ()
    icon = "doc-full"
    menu_label = "Certificates"
    list_display = [
        "number",
        "learner_name",
        "activity_title",
        "status",
        "pdf_status",
        "issued_at",
        CertificateActionsColumn("actions", label="Actions"),
    ]
    list_filter = ["path", "status", "pdf_status", "issued_at"]
    inspect_view_fields = [
        "number",
        "status",
        "learner_name",
        "learner_credentials",
        "activity_title",
        "institution_name",
        "credits",
        "completion_date",
        "issued_at",
        "revoked_at",
        "supersedes",
        "pdf_status",
        "pdf_attempts",
        "pdf_error",
    ]

    def scope_q(self, user: AnyUser) -> Q:
        return institution_staff_q(user)


class CertificateEventViewSet(LearnerRecordViewSet):
    model = CertificateEvent
    related = ("certificate", "actor")
    icon = "history"
    menu_label = "Certificate audit log"
    list_display = ["certificate", "action", "actor", "reason", "at"]
    list_filter = ["action", "at"]

    def scope_q(self, user: AnyUser) -> Q:
        return institution_staff_q(user, "certificate__institution")


class LearnerRecordsGroup(ViewSetGroup):
    items = (
        EnrolmentViewSet,
        StepCompletionViewSet,
        TestAttemptViewSet,
        CreditClaimViewSet,
        CertificateViewSet,
        CertificateEventViewSet,
    )
    menu_icon = "user"
    menu_label = "Learner records"
    menu_name = "learner-records"
