from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from .models import LearningPathPage


class JourneyError(Exception):
    """A learner action that cannot be done, with a message to show them."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotEnrolled(JourneyError):
    pass


class EnrolmentClosed(JourneyError):
    pass


class PrerequisitesMissing(JourneyError):
    def __init__(self, message: str, missing: Sequence[LearningPathPage]) -> None:
        super().__init__(message)
        self.missing = missing


class NotAvailableYet(JourneyError):
    pass


class InvalidAnswer(JourneyError):
    pass


class PublishRefused(ValidationError):
    """A credit path may not go live (or get a new live version): every
    reason, in plain words, in ``problems``. Raised by the path's save, the
    last step of every Wagtail publishing route; each route turns it into a
    normal page or a recorded refusal."""

    def __init__(self, page: LearningPathPage, problems: Sequence[str]) -> None:
        self.page = page
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        title = getattr(self.page, "title", "This path")
        return f"'{title}' cannot be published: " + " ".join(self.problems)
