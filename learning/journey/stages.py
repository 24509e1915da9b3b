"""Where a learner stands on a path: the journey's stages, in order, with what
is said about them. The only place that knows their order and their wording."""

import enum


class Stage(enum.StrEnum):
    """A learner's stage on a path, declared in journey order. Members equal
    their value, so templates compare ``progress.stage == "test"``."""

    ENROL = "enrol"
    STEPS = "steps"
    TEST = "test"
    EVALUATION = "evaluation"
    CLAIM = "claim"
    COMPLETED = "completed"

    def precedes(self, other: "Stage") -> bool:
        """Does this stage come before ``other`` on the journey?"""
        order = list(Stage)
        return order.index(self) < order.index(other)

    @property
    def route_name(self) -> str | None:
        """The path page's subpage route for this stage, if it has its own page."""
        return _ROUTE_NAMES.get(self)

    @property
    def action(self) -> str:
        """The button that takes a learner on from this stage."""
        return _ACTIONS.get(self, "")

    @property
    def up_next(self) -> str:
        """What comes next once the steps are done, as "Up next: ..." names it."""
        return _UP_NEXT.get(self, "")

    @property
    def locked_message(self) -> str:
        """Why a learner who has not reached this stage cannot open it yet."""
        return _LOCKED_MESSAGES.get(self, "")


_ROUTE_NAMES = {
    Stage.TEST: "post_test",
    Stage.EVALUATION: "evaluation",
    Stage.CLAIM: "claim",
}

_ACTIONS = {
    Stage.STEPS: "Continue",
    Stage.TEST: "Take the post-test",
    Stage.EVALUATION: "Fill the evaluation",
    Stage.CLAIM: "Claim credit",
}

_UP_NEXT = {
    Stage.TEST: "the post-test",
    Stage.EVALUATION: "the evaluation",
    Stage.CLAIM: "claim your credit",
}

_LOCKED_MESSAGES = {
    Stage.TEST: "The post-test opens when every step is complete.",
    Stage.EVALUATION: "The evaluation follows a passed post-test.",
    Stage.CLAIM: "Claim credit after the post-test and the evaluation.",
}

STEPS_DONE_MESSAGE = "Every step is complete: the post-test is open."
ENROL_FIRST_MESSAGE = "Enrol in this path first."
