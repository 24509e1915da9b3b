"""Querysets for paths and learner records: progress and visibility in a fixed
number of queries, whatever the number of steps or learners."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from wagtail.models import PageQuerySet


class LearningPathQuerySet(PageQuerySet):
    def accredited_by_staff(self, user):
        """Paths whose accrediting institution lists ``user`` as staff."""
        if user.is_superuser:
            return self
        return self.filter(institution__staff=user)

    def with_step_counts(self):
        return self.annotate(step_count=Count("steps", distinct=True))


class EnrolmentQuerySet(QuerySet):
    def with_progress(self):
        """Annotate ``steps_total`` and ``steps_done`` (completions of guides
        that are steps of the path now; completions of removed steps are kept
        but do not count)."""
        from learning.models import PathStep, StepCompletion

        steps_total = (
            PathStep.objects.filter(page=OuterRef("path_id"))
            .order_by()
            .values("page")
            .annotate(n=Count("pk"))
            .values("n")
        )
        steps_done = (
            StepCompletion.objects.filter(
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


def staff_visible_q(user, path_lookup="enrolment__path"):
    """A filter for records reached through an enrolment."""
    if user.is_superuser:
        return Q()
    return Q(**{f"{path_lookup}__institution__staff": user})


class CertificateQuerySet(QuerySet):
    def visible_to_staff(self, user):
        if user.is_superuser:
            return self
        return self.filter(institution__staff=user)
