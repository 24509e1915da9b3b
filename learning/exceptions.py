from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cms.publishing import PublishRefused as PageRefused

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


class DisclosureNotShown(JourneyError):
    """A step marked complete from a page that did not show the activity's
    disclosure (learning.journey.disclosure_proof); ``url``: the step page,
    which shows it."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class DisclosureChanged(DisclosureNotShown):
    """A step marked complete from the step page, but the activity's
    disclosure changed after the page was shown (learning.journey.disclosure_proof);
    ``url``: the step page, which shows the current one."""


class InvalidAnswer(JourneyError):
    pass


class PublishRefused(PageRefused):
    """A credit path may not go live (or get a new live version): every
    reason, in plain words, in ``problems``. Raised by the path's save, the
    last step of every Wagtail publishing route; each route turns it into a
    normal page or a recorded refusal (``cms.publishing``, whose refusal of a
    clinical guide is handled the same way)."""

    def __init__(self, page: LearningPathPage, problems: Sequence[str]) -> None:
        super().__init__(page, problems)
