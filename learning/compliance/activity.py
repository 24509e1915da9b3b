"""What the activity (path) page tells a learner before enrolment, beyond the
path's own fields: the disclosure block, the two statements, the time to
complete in words and whom to ask. The journey's path view adds it to the
page's context; the template only prints it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from cms.control import EntryStatus, statuses
from cms.disclosure_block import DisclosureBlock, Supporter, disclosure_block
from learning.models import LearningPathPage

from .entries import path_entries
from .statements import accreditation_statement


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


def duration_words(minutes: int | None) -> str:
    """45 -> "45 minutes", 60 -> "1 hour", 150 -> "2 hours 30 minutes"."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def path_disclosure(
    path: LearningPathPage,
    guides: list | None = None,
    entry_statuses: list[EntryStatus] | None = None,
) -> DisclosureBlock:
    """The disclosure block for ``path``: its step guides' authors (decided on
    each guide), its planners and reviewers (decided on the path), and its
    commercial supporters. ``guides`` are the step guides when already read."""
    supporters = [
        Supporter(company=s.company, kind=s.get_kind_display())
        for s in path.commercial_support.all()
    ]
    if entry_statuses is None:
        entry_statuses = statuses(path_entries(path, guides))
    return disclosure_block(entry_statuses, supporters, kind="activity")


def disclosure_version(block: DisclosureBlock) -> str:
    """A fingerprint of ``block`` as the learner reads it: every row (name,
    credentials, roles, dates, relationships and whether each was judged),
    the mitigation statement and the commercial support. Equal for equal
    blocks in every process; different as soon as anything shown changes
    (learning.journey.disclosure_proof binds "Mark complete" to it)."""
    shown = json.dumps(asdict(block), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def activity_context(
    path: LearningPathPage,
    guides: list | None = None,
    entry_statuses: list[EntryStatus] | None = None,
) -> dict[str, Any]:
    """Everything the path page shows before enrolment that the template
    cannot read straight from the path."""
    institution = path.institution
    credit = path.credit_bearing and institution is not None
    return {
        "disclosure": path_disclosure(path, guides, entry_statuses),
        "estimated_time": duration_words(path.estimated_minutes),
        "credit_designation": path.credit_designation if credit else "",
        "accreditation_statement": (
            accreditation_statement(institution, path.joint_provider) if credit else ""
        ),
        "activity_contact": (
            Contact(institution.name, institution.contact_email, institution.contact_phone)
            if institution is not None
            else None
        ),
    }
