"""What is left for a learner on a path, in words and as a fraction.

A path is not done when its steps are: the post-test, the evaluation and the
credit claim follow. "4 of 4 steps complete" with a full bar told a learner
who had failed the post-test that nothing was left; the bar and the words here
count every part of the journey, so neither says "done" before the claim.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from learning.models import Enrolment, EvaluationResponse, TestAttempt

Enrolments = TypeVar("Enrolments", bound="QuerySet[Any]")

# The parts after the steps: pass the post-test, evaluate, claim.
LATER_PARTS = 3


@dataclass(frozen=True)
class Remaining:
    steps_done: int
    steps_total: int
    passed: bool = False
    attempts: int = 0
    evaluated: bool = False
    claimed: bool = False

    @property
    def parts_total(self) -> int:
        return self.steps_total + LATER_PARTS

    @property
    def parts_done(self) -> int:
        return self.steps_done + self.passed + self.evaluated + self.claimed

    @property
    def percent(self) -> int:
        return round(100 * self.parts_done / self.parts_total)

    @property
    def complete(self) -> bool:
        return self.parts_done == self.parts_total

    @property
    def steps_text(self) -> str:
        plural = "" if self.steps_total == 1 else "s"
        return f"{self.steps_done} of {self.steps_total} step{plural} complete"

    @property
    def to_do(self) -> list[str]:
        """The parts still to do, in journey order, as the learner would say them."""
        parts = []
        left = self.steps_total - self.steps_done
        if left:
            parts.append(f"{left} step{'' if left == 1 else 's'}")
        if not self.passed:
            if self.attempts:
                tries = f"{self.attempts} attempt{'' if self.attempts == 1 else 's'} so far"
                parts.append(f"pass the post-test ({tries})")
            else:
                parts.append("the post-test")
        if not self.evaluated:
            parts.append("the evaluation")
        if not self.claimed:
            parts.append("the credit claim")
        return parts

    @property
    def text(self) -> str:
        """One sentence: "3 of 3 steps complete. Still to do: pass the
        post-test (1 attempt so far), the evaluation and the credit claim." """
        done = self.steps_text
        if self.passed:
            done += ", post-test passed"
        if self.evaluated:
            done += ", evaluation done"
        parts = self.to_do
        if not parts:
            return f"{done}. Path complete."
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{done}. Still to do: {listed}."


def with_remaining(enrolments: Enrolments) -> Enrolments:
    """Annotate what ``Enrolment.remaining`` needs beyond ``with_progress()``:
    the number of post-test attempts, a pass, and the evaluation (subqueries,
    so no extra query per enrolment)."""
    attempts = (
        TestAttempt.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return enrolments.annotate(
        attempt_count=Coalesce(Subquery(attempts), 0),
        test_passed=Exists(TestAttempt.objects.filter(enrolment=OuterRef("pk"), passed=True)),
        evaluated=Exists(EvaluationResponse.objects.filter(enrolment=OuterRef("pk"))),
    )


def remaining_for(enrolment: Enrolment) -> Remaining:
    """From an enrolment annotated by ``with_progress()`` and ``with_remaining()``."""
    return Remaining(
        steps_done=getattr(enrolment, "steps_done", 0),
        steps_total=getattr(enrolment, "steps_total", 0),
        passed=getattr(enrolment, "test_passed", False),
        attempts=getattr(enrolment, "attempt_count", 0),
        evaluated=getattr(enrolment, "evaluated", False),
        claimed=enrolment.completed_at is not None,
    )
