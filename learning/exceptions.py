from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
