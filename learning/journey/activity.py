"""When a learner last did something on a path: the one definition used by
"Continue where you left off" (journey.resume, /me/) and the quiet-week
reminder (learning.reminders)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from learning.models import EvaluationResponse, StepCompletion, TestAttempt

Enrolments = TypeVar("Enrolments", bound="QuerySet[Any]")


def _latest(model: Any, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(latest=Max(field))
        .values("latest"),
        output_field=DateTimeField(),
    )


def with_last_activity(enrolments: Enrolments) -> Enrolments:
    """Annotate ``last_activity``: the latest of enrolling, completing a
    step, a post-test attempt and the evaluation (reading a step without
    marking it complete is recorded nowhere)."""
    enrolled = F("enrolled_at")
    return enrolments.annotate(
        last_activity=Greatest(
            enrolled,
            Coalesce(_latest(StepCompletion, "completed_at"), enrolled),
            Coalesce(_latest(TestAttempt, "submitted_at"), enrolled),
            Coalesce(_latest(EvaluationResponse, "submitted_at"), enrolled),
            output_field=DateTimeField(),
        )
    )
