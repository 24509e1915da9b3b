"""The publish gate for credit paths: everything that must be true before a
path with credit may be submitted, approved or published, and that must stay
true for it to keep taking enrolments and claims.

``path_problems`` is the one rule. The editor's form, the model's save (every
Wagtail publishing route ends there), the daily check and the journey all
call it, so no route can disagree with another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

from cms.choices import ContentRole
from cms.control import EntryStatus, statuses
from cms.credits import format_credits
from cms.models import GuidePage
from cms.models.pages import REVIEW_INTERVAL_YEARS, add_years
from learning.models import LearningPathPage
from learning.rules import in_quarters

from .entries import path_entries, step_guides
from .statements import accreditation_problems, designation_problems

CREDIT = "A path with credit"


def element_problems(
    path: LearningPathPage, on: datetime.date, *, termination_lifted: bool = False
) -> list[str]:
    """Item by item, what the activity page must tell a learner before enrolment.
    ``termination_lifted``: a passed termination date is not a problem (a
    learner holding a claim extension: learning.compliance.availability)."""
    problems = []
    if not path.objectives or len(path.objectives) == 0:
        problems.append(f"{CREDIT} needs at least one learning objective.")
    if not path.target_audience.strip():
        problems.append(f"{CREDIT} needs a target audience.")
    if not path.estimated_minutes:
        problems.append(f"{CREDIT} needs the estimated time to complete it.")
    elif path.max_credits * 60 > path.estimated_minutes:
        hours = decimal_hours(path.estimated_minutes)
        problems.append(
            f"The path offers {format_credits(path.max_credits)} credits but takes about {hours}: "
            "credits may not exceed the estimated time in hours."
        )
    if not in_quarters(path.max_credits):
        problems.append("Credits are given in quarter credits (0.25, 0.5, 0.75...).")
    if not path.post_test or len(path.post_test) == 0:
        problems.append(f"{CREDIT} needs a post-test with at least one question.")
    if not path.pass_mark:
        problems.append(f"{CREDIT} needs a pass mark for its post-test.")
    if not path.evaluation or len(path.evaluation) == 0:
        problems.append(f"{CREDIT} needs an evaluation with at least one question.")
    if not path.hardware_software.strip():
        problems.append(f"{CREDIT} needs its hardware and software requirements.")
    problems += date_problems(path, on, termination_lifted=termination_lifted)
    problems += institution_problems(path)
    return problems


def decimal_hours(minutes: int) -> str:
    """60 -> "1 hour", 90 -> "1.5 hours"."""
    number = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return f"{number} hour{'' if number == '1' else 's'}"


def date_problems(
    path: LearningPathPage, on: datetime.date, *, termination_lifted: bool = False
) -> list[str]:
    problems = []
    if not path.release_date:
        problems.append(f"{CREDIT} needs a release date.")
    if not path.last_reviewed:
        problems.append(f"{CREDIT} needs the date of its most recent review.")
    elif path.last_reviewed < add_years(on, -REVIEW_INTERVAL_YEARS):
        problems.append(
            f"The path was last reviewed on {path.last_reviewed:%-d %B %Y}, more than "
            f"{REVIEW_INTERVAL_YEARS} years ago: review it and record the new date."
        )
    elif path.last_reviewed > on:
        problems.append("The date of the most recent review cannot be in the future.")
    elif path.release_date and path.last_reviewed < path.release_date:
        problems.append("The most recent review cannot be before the release date.")
    if not path.termination_date:
        problems.append(f"{CREDIT} needs a termination date.")
    elif path.release_date:
        if path.termination_date < path.release_date:
            problems.append("The termination date is before the release date.")
        elif path.termination_date > path.latest_termination():
            problems.append(
                f"An enduring activity may run at most {REVIEW_INTERVAL_YEARS} years from its "
                f"release or last review: the latest termination date is "
                f"{path.latest_termination():%-d %B %Y}."
            )
        elif path.termination_date < on and not termination_lifted:
            problems.append(termination_passed(path))
    return problems


def termination_passed(path: LearningPathPage) -> str:
    """The gate's problem for a path past its termination date (a claim
    extension lifts this one alone: learning.compliance.availability)."""
    return f"The path's termination date, {path.termination_date:%-d %B %Y}, has passed."


def institution_problems(path: LearningPathPage) -> list[str]:
    institution = path.institution
    if institution is None:
        return [f"{CREDIT} needs an accrediting institution."]
    problems = accreditation_problems(institution.accreditation_statement, institution.name)
    problems += designation_problems(
        institution.credit_designation_statement,
        institution.name,
        path.get_learning_format_display(),
        path.max_credits,
    )
    if not (institution.contact_email or institution.contact_phone):
        problems.append(
            f"{institution.name} has no contact e-mail or phone for learners' questions."
        )
    return problems


def step_problems(path: LearningPathPage, guides: list[GuidePage]) -> list[str]:
    if not guides:
        return [f"{CREDIT} needs at least one step."]
    restricted = restricted_guides(path, guides)
    problems = []
    for number, guide in enumerate(guides, start=1):
        if not guide.live:
            problems.append(
                f"Step {number}, '{guide.title}', is not published: publish it or remove the step."
            )
        elif guide.pk in restricted:
            problems.append(
                f"Step {number}, '{guide.title}', is not public (it has a privacy restriction): "
                "learners of the path could not read it or its disclosure. Remove the "
                "restriction or the step."
            )
    return problems


# Where each guide's view restrictions are kept once read (``read_view_restrictions``).
RESTRICTED_BY = "_restricted_by"


def read_view_restrictions(guides: Iterable[GuidePage]) -> None:
    """Read, in one query for any number of guides, the pages whose view
    restriction (Wagtail's privacy setting: groups or password; "logged-in
    users" admits every learner, so it is left out) applies to
    each guide (the guide's own and its ancestors'), and keep them on the
    guide. A listing calls this once for the guides of all its paths."""
    todo = [guide for guide in guides if RESTRICTED_BY not in guide.__dict__]
    if not todo:
        return
    steplen = Page.steplen
    prefixes = {
        guide.path[:end]
        for guide in todo
        for end in range(steplen, len(guide.path or "") + 1, steplen)
    }
    # "Logged-in users" admits every learner (the journey needs a log-in).
    restricted = set(
        PageViewRestriction.objects.filter(page__path__in=prefixes)
        .exclude(restriction_type=PageViewRestriction.LOGIN)
        .values_list("page__path", flat=True)
    )
    for guide in todo:
        guide.__dict__[RESTRICTED_BY] = [p for p in restricted if (guide.path or "").startswith(p)]


# Whether a guide is restricted apart from a path, when read with the path's
# steps ({path pk: bool}; learning.journey.steps.guide_restricted).
RESTRICTED_IN = "_restricted_in"


def know_restricted(guide: GuidePage, path: LearningPathPage, restricted: bool) -> None:
    guide.__dict__.setdefault(RESTRICTED_IN, {})[path.pk] = restricted


def restricted_guides(path: LearningPathPage, guides: list[GuidePage]) -> set[int]:
    """The ids of ``guides`` behind a view restriction that the path itself does
    not have: a learner admitted to the path may not be admitted to them. (A
    restriction on a section holding both the path and its guides admits the
    same people to both.) No query when the steps were read with the answer."""
    known = [guide.__dict__.get(RESTRICTED_IN, {}).get(path.pk) for guide in guides]
    if path.pk and None not in known:
        return {guide.pk for guide, restricted in zip(guides, known, strict=True) if restricted}
    read_view_restrictions(guides)
    own = path.path or ""
    return {
        guide.pk
        for guide in guides
        if any(not own.startswith(page_path) for page_path in guide.__dict__[RESTRICTED_BY])
    }


def faculty_problems(guides: list[GuidePage], entries_statuses: list[EntryStatus]) -> list[str]:
    """Every step names its authors (the faculty learners are told about),
    and everyone in control of content has credentials to print."""
    with_faculty = {
        getattr(s.entry.page, "pk", None)
        for s in entries_statuses
        if s.entry.role == ContentRole.FACULTY
    }
    problems = [
        f"Step {number}, '{guide.title}', names no author: learners are told who wrote "
        "each step (the faculty). Add its authors to the guide."
        for number, guide in enumerate(guides, start=1)
        if guide.pk not in with_faculty
    ]
    seen = set()
    for status in entries_statuses:
        person = status.person
        if person.pk not in seen and not person.credentials.strip():
            seen.add(person.pk)
            problems.append(
                f"{person.display_name} has no credentials recorded (for example MD, DO, "
                "PharmD): learners are told the credentials of everyone in control of content."
            )
    return problems


def control_statuses(
    path: LearningPathPage, guides: list[GuidePage] | None = None
) -> list[EntryStatus]:
    return statuses(path_entries(path, guides))


def path_problems(
    path: LearningPathPage,
    on: datetime.date | None = None,
    *,
    guides: list[GuidePage] | None = None,
    entry_statuses: list[EntryStatus] | None = None,
    termination_lifted: bool = False,
) -> list[str]:
    """Every reason this path may not be published (or keep taking enrolments
    and claims) today, in words an editor understands; [] when it may.
    A path without credit has no requirements here. ``guides`` (the step
    guides in order) and ``entry_statuses`` may be passed when already read."""
    if not path.max_credits or path.max_credits <= 0:
        return []
    on = on or timezone.localdate()
    guides = step_guides(path) if guides is None else guides
    problems = element_problems(path, on, termination_lifted=termination_lifted)
    problems += step_problems(path, guides)
    entries_statuses = control_statuses(path, guides) if entry_statuses is None else entry_statuses
    problems += faculty_problems(guides, entries_statuses)
    if not any(s.entry.role == ContentRole.PLANNER for s in entries_statuses):
        problems.append(
            f"{CREDIT} names at least one planner (Accreditation tab, Planners and CME "
            "reviewers): planners are in control of content and disclose like faculty."
        )
    for status in entries_statuses:
        for problem in status.problems(on):
            if problem not in problems:
                problems.append(problem)
    return problems
