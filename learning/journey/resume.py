""" "Continue where you left off": a learner's unfinished paths, most recently
active first, each with the one thing to do next and the address that does it
(the next unread step as a step of the path, else the post-test, the
evaluation or the claim).

Reads in a fixed number of queries, however many paths, steps and records.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from learning.models import (
    Enrolment,
    PathStep,
    StepCompletion,
)
from learning.permissions import AnyUser

from .activity import with_last_activity
from .remaining import Remaining, remaining_for, with_remaining
from .stages import Stage
from .steps import step_url, with_step_guides

__all__ = ["NextAction", "attach_next", "stage_of", "step_url", "steps_of", "unfinished"]

# The home page shows at most this many unfinished paths.
HOME_LIMIT = 3


@dataclass(frozen=True)
class NextAction:
    stage: Stage
    url: str
    step_number: int = 0  # for a step: its number in the path
    step_title: str = ""
    steps_total: int = 0

    @property
    def text(self) -> str:
        """What "Up next:" names: "step 2 of 4, “Reading the lactate”", "the post-test"."""
        if self.step_title:
            return f"step {self.step_number} of {self.steps_total}, “{self.step_title}”"
        if self.stage == Stage.STEPS:
            return "the path's steps"
        return self.stage.up_next

    @property
    def button(self) -> str:
        if self.step_title:
            return f"Continue with step {self.step_number}"
        return self.stage.action


def stage_of(remaining: Remaining) -> Stage:
    """The same stage as ``PathProgress.stage``, from an annotated enrolment."""
    if remaining.claimed:
        return Stage.COMPLETED
    if remaining.steps_total == 0 or remaining.steps_done < remaining.steps_total:
        return Stage.STEPS
    if not remaining.passed:
        return Stage.TEST
    if not remaining.evaluated:
        return Stage.EVALUATION
    return Stage.CLAIM


def steps_of(path_ids: Iterable[int]) -> dict[int, list[PathStep]]:
    """Each path's steps in order, with their guides' titles and addresses (one query)."""
    steps: dict[int, list[PathStep]] = {}
    for step in with_step_guides(PathStep.objects.filter(page_id__in=set(path_ids))):
        steps.setdefault(step.page_id, []).append(step)
    return steps


def attach_next(
    enrolments: Iterable[Enrolment], steps: dict[int, list[PathStep]] | None = None
) -> None:
    """Set ``remaining`` and ``next_action`` on each unfinished enrolment
    (annotated by ``with_progress()`` and ``with_remaining()``, its path
    selected): two queries for all of them (one when ``steps`` is given)."""
    enrolments = [e for e in enrolments if e.completed_at is None]
    if not enrolments:
        return
    if steps is None:
        steps = steps_of(e.path_id for e in enrolments)
    done: set[tuple[int, int]] = set(
        StepCompletion.objects.filter(enrolment__in=[e.pk for e in enrolments]).values_list(
            "enrolment_id", "guide_id"
        )
    )
    for enrolment in enrolments:
        enrolment.done_guide_ids = {  # type: ignore[attr-defined]
            guide_id for enrolment_id, guide_id in done if enrolment_id == enrolment.pk
        }
        remaining = remaining_for(enrolment)
        enrolment.remaining = remaining  # type: ignore[attr-defined]
        enrolment.next_action = _next_action(  # type: ignore[attr-defined]
            enrolment, stage_of(remaining), steps.get(enrolment.path_id, []), done
        )


def _next_action(
    enrolment: Enrolment, stage: Stage, steps: list[PathStep], done: set[tuple[int, int]]
) -> NextAction:
    path = enrolment.path
    if stage == Stage.STEPS:
        for number, step in enumerate(steps, start=1):
            if (enrolment.pk, step.guide_id) not in done:
                url = step_url(path, step.guide)
                return NextAction(stage, url, number, step.guide.title, len(steps))
        return NextAction(stage, path.url)
    if stage.route_name:
        return NextAction(stage, path.route_url(stage.route_name))
    return NextAction(stage, path.url)


def unfinished(user: AnyUser, limit: int = HOME_LIMIT) -> list[Enrolment]:
    """The learner's unfinished enrolments in live paths, most recently active
    first, each with ``remaining`` and ``next_action``."""
    if not user.is_authenticated:
        return []
    enrolments = list(
        with_last_activity(
            with_remaining(
                Enrolment.objects.filter(
                    user=user, completed_at__isnull=True, path__live=True
                ).with_progress()
            )
        )
        .select_related("path")
        .defer("path__post_test", "path__evaluation", "path__objectives")
        .order_by("-last_activity", "-pk")[:limit]
    )
    attach_next(enrolments)
    return enrolments
