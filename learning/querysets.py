"""Querysets for paths and learner records: progress and visibility in a fixed
number of queries, whatever the number of steps or learners."""

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length, Substr

from wagtail.models import PageQuerySet, PageViewRestriction

from learning.permissions import AnyUser, institution_staff_q


class LearningPathQuerySet(PageQuerySet):
    def accredited_by_staff(self, user: AnyUser) -> "LearningPathQuerySet":
        """Paths whose accrediting institution lists ``user`` as staff."""
        return self.filter(institution_staff_q(user))

    def unrestricted(self) -> "LearningPathQuerySet":
        """Like Wagtail's ``public()`` (no view restriction on the page or an
        ancestor), in the same query: ``public()`` reads the restrictions
        first, a query of its own."""
        # A restriction's page is this page or an ancestor: its tree path
        # starts this page's (Wagtail's paths are fixed-width segments).
        restricted = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        return self.exclude(Exists(restricted))

    def with_step_counts(self) -> "LearningPathQuerySet":
        return self.annotate(step_count=Count("steps", distinct=True))


class EnrolmentQuerySet(QuerySet):
    def with_progress(self) -> "EnrolmentQuerySet":
        """Annotate ``steps_total`` and ``steps_done`` (completions of guides
        that are steps of the path now; completions of removed steps are kept
        but do not count)."""
        # The models through their relations: this module is imported by them.
        path_model = self.model._meta.get_field("path").related_model
        path_step = path_model._meta.get_field("steps").related_model
        step_completion = self.model._meta.get_field("completions").related_model
        steps_total = (
            path_step.objects.filter(page=OuterRef("path_id"))
            .order_by()
            .values("page")
            .annotate(n=Count("pk"))
            .values("n")
        )
        steps_done = (
            step_completion.objects.filter(
                enrolment=OuterRef("pk"),
                guide__path_steps__page=OuterRef("path_id"),
            )
            .order_by()
            .values("enrolment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            steps_total=Coalesce(Subquery(steps_total, output_field=IntegerField()), Value(0)),
            steps_done=Coalesce(Subquery(steps_done, output_field=IntegerField()), Value(0)),
        )


class CertificateQuerySet(QuerySet):
    def visible_to_staff(self, user: AnyUser) -> "CertificateQuerySet":
        return self.filter(institution_staff_q(user))
