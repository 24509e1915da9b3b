"""Whether a live credit path takes new enrolments and credit claims right now.

A path with credit that no longer passes the publish gate (``gate.path_problems``:
a disclosure expired at midnight, the review is more than 3 years old, the
termination date passed, a step guide was unpublished or made private...) stops
taking new enrolments and claims at once, whatever the daily check last found.
Learners already enrolled keep their progress and may keep reading, take the
post-test and fill the evaluation; they claim as soon as the path is put right.

The journey's services enforce this at the moment of each action; the path
and claim pages show ``Availability.message`` in a learner's words. The
editor's list of problems (``Availability.problems``) is for CME staff only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cms.control import EntryStatus
from cms.models import GuidePage
from cms.models.pages import REVIEW_INTERVAL_YEARS, add_years
from learning.models import LearningPathPage

from .entries import step_guides
from .gate import control_statuses, path_problems, restricted_guides, termination_passed


@dataclass(frozen=True)
class Availability:
    """``available`` is False when the path takes no new enrolments or claims.
    ``enrol_message`` (for someone not enrolled) and ``claim_message`` (for a
    learner on the path) then say why in a learner's words; ``problems`` are
    the editor's, for CME staff only."""

    available: bool
    cause: str = ""
    ended_on: datetime.date | None = None
    problems: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.available

    @property
    def enrol_message(self) -> str:
        if self.available:
            return ""
        if self.ended_on:
            return self._ended("new enrolments")
        return (
            f"Credit for this activity is paused {self.cause}, so it takes no new enrolments "
            "for now. It opens again as soon as this is put right."
        )

    @property
    def claim_message(self) -> str:
        if self.available:
            return ""
        if self.ended_on:
            return self._ended("credit claims")
        return (
            f"Credit for this activity is paused {self.cause}. Your progress is saved; you can "
            "claim as soon as it is available again."
        )

    def message_for(self, enrolled: bool) -> str:
        return self.claim_message if enrolled else self.enrol_message

    def _ended(self, action: str) -> str:
        return (
            f"This activity's accreditation ended on {self.ended_on:%-d %B %Y}, so it no longer "
            f"accepts {action}. Your existing records are kept."
        )


AVAILABLE = Availability(available=True)


def credit_available(
    path: LearningPathPage,
    on: datetime.date | None = None,
    *,
    guides: list[GuidePage] | None = None,
    entry_statuses: list[EntryStatus] | None = None,
    extended: bool = False,
    learner_on: datetime.date | None = None,
) -> Availability:
    """Whether ``path`` takes new enrolments and credit claims on ``on`` (today).

    Paths without credit are always available here (the gate asks nothing of
    them); an unpublished path is refused by the journey before this is asked.
    ``extended``: a learner holding a claim extension, for whom the passed
    termination date alone does not close the path; a pause still does.
    ``learner_on``: the learner's own date (in their time zone), for a
    learner's action: they may act through the termination day where they
    are. Everything else (and editors, listings) goes by the server's date."""
    if not path.credit_bearing:
        return AVAILABLE
    on = on or timezone.localdate()
    ended = path.is_terminated(learner_on or on)
    problems = path_problems(
        path,
        on,
        guides=guides,
        entry_statuses=entry_statuses,
        termination_lifted=extended or not ended,
    )
    if ended and not extended:
        if termination_passed(path) not in problems:
            problems.append(termination_passed(path))
        return Availability(available=False, ended_on=path.termination_date, problems=problems)
    if not problems:
        return AVAILABLE
    cause = learner_cause(path, on, guides=guides, entry_statuses=entry_statuses)
    return Availability(available=False, cause=cause, problems=problems)


def learner_cause(
    path: LearningPathPage,
    on: datetime.date,
    *,
    guides: list[GuidePage] | None = None,
    entry_statuses: list[EntryStatus] | None = None,
) -> str:
    """Why credit is paused, in a learner's words (never the editor's list).
    Only asked for a path that fails the gate, so its extra reads happen only then."""
    if path.last_reviewed and path.last_reviewed < add_years(on, -REVIEW_INTERVAL_YEARS):
        return "while the provider completes its scheduled review of the content"
    guides = step_guides(path) if guides is None else guides
    if any(not guide.live for guide in guides) or restricted_guides(path, guides):
        return "while one of its steps is being updated"
    if entry_statuses is None:
        entry_statuses = control_statuses(path, guides)
    if any(status.problems(on) for status in entry_statuses):
        return (
            "while the provider renews a faculty or planner disclosure of financial relationships"
        )
    return "while the provider updates the activity's accreditation details"
