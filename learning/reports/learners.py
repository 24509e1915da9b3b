"""Each learner enrolled on a path in a date range, and how far they got:
steps done, best post-test score, evaluation, claim and certificate. Read in a
fixed number of queries whatever the number of learners; the report's funnel
is counted from the same rows, so the drill-down and the chart always agree."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from learning.models import (
    Certificate,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearningPathPage,
    PathStep,
    StepCompletion,
    TestAttempt,
)

from .period import Period


@dataclass
class LearnerRow:
    name: str
    username: str
    enrolled_at: datetime.datetime
    steps_done: int
    steps_total: int
    attempts: int
    best_score: Decimal | None
    passed: bool
    evaluated_at: datetime.datetime | None
    claim: CreditClaim | None
    certificate: Certificate | None
    completed_at: datetime.datetime | None

    @property
    def all_steps(self) -> bool:
        return self.steps_total > 0 and self.steps_done >= self.steps_total

    @property
    def evaluated(self) -> bool:
        return self.evaluated_at is not None

    @property
    def claimed(self) -> bool:
        return self.claim is not None


def enrolled_in(path: LearningPathPage, period: Period) -> QuerySet[Enrolment]:
    """The enrolments made on ``path`` in ``period``: the drill-down's rows and the funnel's."""
    return Enrolment.objects.filter(
        path=path, enrolled_at__gte=period.since, enrolled_at__lt=period.until
    )


def _step_guides(path: LearningPathPage) -> list[int]:
    """The guides of the path's steps as it is now: a guide taken out no longer counts."""
    return list(PathStep.objects.filter(page=path).values_list("guide_id", flat=True))


def _passed() -> Exists:
    return Exists(TestAttempt.objects.filter(enrolment=OuterRef("pk"), passed=True))


def learner_rows(
    path: LearningPathPage, period: Period, *, page: slice | None = None
) -> list[LearnerRow]:
    """One row per enrolment made in ``period``, oldest first (three
    queries); ``page``: only those rows (``slice(50, 100)``: the second fifty)."""
    step_guides = _step_guides(path)
    enrolments = (
        enrolled_in(path, period)
        .select_related("user__learner_profile", "credit_claim", "evaluation_response")
        .defer(
            "evaluation_response__answers",
            "evaluation_response__questions",
            "credit_claim__moc_boards",
        )
        .annotate(
            # Steps of the path as it is now: a guide taken out no longer counts.
            steps_done=Count(
                "completions", filter=Q(completions__guide_id__in=step_guides), distinct=True
            ),
            attempt_count=Count("attempts", distinct=True),
            best_score=Max("attempts__score"),
            has_passed=_passed(),
        )
        .order_by("enrolled_at", "pk")
    )
    rows = list(enrolments if page is None else enrolments[page])
    # The newest certificate of each claim (a reissue supersedes the one before).
    certificates: dict[int, Certificate] = {}
    for certificate in (
        Certificate.objects.filter(path=path, claim__enrolment__in=[e.pk for e in rows])
        .only("pk", "claim_id", "number", "status", "kind", "credits", "issued_at")
        .order_by("issued_at", "pk")
    ):
        certificates[certificate.claim_id] = certificate
    result = []
    for enrolment in rows:
        claim = getattr(enrolment, "credit_claim", None)
        evaluation = getattr(enrolment, "evaluation_response", None)
        profile = getattr(enrolment.user, "learner_profile", None)
        result.append(
            LearnerRow(
                name=(profile.full_name if profile else "") or enrolment.user.username,
                username=enrolment.user.username,
                enrolled_at=enrolment.enrolled_at,
                steps_done=enrolment.steps_done,
                steps_total=len(step_guides),
                attempts=enrolment.attempt_count,
                best_score=enrolment.best_score,
                passed=enrolment.has_passed,
                evaluated_at=evaluation.submitted_at if evaluation else None,
                claim=claim,
                certificate=certificates.get(claim.pk) if claim else None,
                completed_at=enrolment.completed_at,
            )
        )
    return result


FUNNEL_STAGES = [
    ("enrolled", "Enrolled"),
    ("all_steps", "All steps done"),
    ("passed", "Post-test passed"),
    ("evaluated", "Evaluation submitted"),
    ("claimed", "Credit claimed"),
]


def funnel_counts(path: LearningPathPage, period: Period) -> list[tuple[str, int]]:
    """:func:`funnel` of :func:`learner_rows`, counted in the database in a
    fixed number of queries whatever the number of learners: the same
    enrolments, and the same definition of each stage.

    Each stage is its own count with ``EXISTS`` in the ``WHERE`` clause, which
    PostgreSQL runs as a semi-join on the one-to-one's unique index; joining
    the evaluations instead read the whole (wide) evaluation table."""
    step_guides = _step_guides(path)
    enrolments = enrolled_in(path, period).order_by()
    counts = {
        "enrolled": enrolments.count(),
        "passed": enrolments.filter(_passed()).count(),
        "evaluated": enrolments.filter(
            Exists(EvaluationResponse.objects.filter(enrolment=OuterRef("pk")))
        ).count(),
        "claimed": enrolments.filter(
            Exists(CreditClaim.objects.filter(enrolment=OuterRef("pk")))
        ).count(),
    }
    # Per enrolment, its completions of the current steps, counted on the
    # unique (enrolment, guide) index: about half the time of grouping all
    # the path's completions (220,000 for the largest) by enrolment.
    # (A plain function, not an aggregate: no GROUP BY; the guide column, so
    # the index alone answers.)
    done = (
        StepCompletion.objects.filter(enrolment=OuterRef("pk"), guide__in=step_guides)
        .order_by()
        .annotate(n=Func(F("guide"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    counts["all_steps"] = (
        enrolments.alias(done=Subquery(done)).filter(done__gte=len(step_guides)).count()
        if step_guides
        else 0
    )
    return [(label, counts[key]) for key, label in FUNNEL_STAGES]


def funnel(rows: list[LearnerRow]) -> list[tuple[str, int]]:
    """How many of the learners reached each stage (label, count)."""
    counts = {
        "enrolled": len(rows),
        "all_steps": sum(r.all_steps for r in rows),
        "passed": sum(r.passed for r in rows),
        "evaluated": sum(r.evaluated for r in rows),
        "claimed": sum(r.claimed for r in rows),
    }
    return [(label, counts[key]) for key, label in FUNNEL_STAGES]
