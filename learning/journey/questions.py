"""Post-test and evaluation questions as plain values, read from a path's
StreamFields. A question's id is its StreamField block id."""

from dataclasses import dataclass

from learning.blocks import PRACTICE_CHANGE_CHOICES, RATING_CHOICES
from learning.models import LearningPathPage, TestAttempt

MAX_TEXT_ANSWER = 4000


@dataclass(frozen=True)
class TestQuestion:
    id: str
    number: int
    prompt: str
    choices: tuple[str, ...]
    correct: list[int]
    explanation: str

    @property
    def multiple(self) -> bool:
        return len(self.correct) > 1


def post_test_questions(path: LearningPathPage) -> list[TestQuestion]:
    questions: list[TestQuestion] = []
    for block in path.post_test:
        if block.block_type != "question":
            continue
        choices = tuple(choice["text"] for choice in block.value["choices"])
        correct = [i for i, choice in enumerate(block.value["choices"]) if choice["correct"]]
        questions.append(
            TestQuestion(
                id=block.id,
                number=len(questions) + 1,
                prompt=block.value["prompt"],
                choices=choices,
                correct=correct,
                explanation=block.value.get("explanation") or "",
            )
        )
    return questions


@dataclass(frozen=True)
class ReviewedAnswer:
    """One question of a stored attempt: what the learner chose and whether it was right."""

    question: TestQuestion
    chosen: tuple[str, ...]
    correct: tuple[str, ...]
    right: bool


def review_attempt(questions: list[TestQuestion], attempt: TestAttempt) -> list[ReviewedAnswer]:
    """The learner's own choices in ``attempt``, question by question, read
    from the record (not the request), so a refreshed result page shows the
    same thing. Questions added since the attempt are left out."""
    reviewed = []
    for question in questions:
        if question.id not in attempt.answers:
            continue
        indexes = attempt.answers[question.id]
        valid = [i for i in indexes if isinstance(i, int) and 0 <= i < len(question.choices)]
        reviewed.append(
            ReviewedAnswer(
                question=question,
                chosen=tuple(question.choices[i] for i in valid),
                correct=tuple(question.choices[i] for i in question.correct),
                right=bool(attempt.results.get(question.id)),
            )
        )
    return reviewed


@dataclass(frozen=True)
class EvaluationQuestion:
    id: str
    number: int
    kind: str  # rating | text | practice_change
    prompt: str

    def validate(self, value: object) -> bool:
        """Is ``value`` (already parsed by the form) an acceptable answer?"""
        if self.kind == "rating":
            return value in {choice for choice, _ in RATING_CHOICES}
        if self.kind == "text":
            return isinstance(value, str) and len(value) <= MAX_TEXT_ANSWER
        if self.kind == "practice_change":
            return (
                isinstance(value, dict)
                and value.get("choice") in {c for c, _ in PRACTICE_CHANGE_CHOICES}
                and isinstance(value.get("how", ""), str)
                and len(value.get("how", "")) <= MAX_TEXT_ANSWER
                and (value["choice"] != "yes" or value.get("how", "").strip() != "")
            )
        return False

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "prompt": self.prompt}


def evaluation_questions(path: LearningPathPage) -> list[EvaluationQuestion]:
    return [
        EvaluationQuestion(
            id=block.id, number=number, kind=block.block_type, prompt=block.value["prompt"]
        )
        for number, block in enumerate(path.evaluation, start=1)
    ]
