"""Telling people that a clinical guide scheduled to go live was refused by
the publish gate (cms.publishing: an author's disclosure is missing or has
lapsed), so that nobody believes it went live on the date they announced.

Who is told, each once: whoever scheduled it (Wagtail's "scheduled" entry in
the page's history for that version), whoever saved that version, the guide's
owner, and each author whose disclosure must be renewed (they are the ones
who can put it right). Guides belong to no institution, so the institution
staff a refused path's notice goes to have no counterpart here.

Written with ``notifications.services.notify`` inside the transaction that
records the refusal (``scheduled.refuse_scheduled``); the notifications
outbox sends it after the commit, never inside a transaction, and its dedupe
key (page, version and go-live moment) makes the same refusal one e-mail per
person however often the command, or a retry, runs. The kind is registered
in ``LearningConfig.ready`` so that any process that delivers knows it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, Revision

from cms.publishing import PublishRefused, judged_on
from cms.rules import mentors_lacking_disclosure
from cms.site_url import absolute_url
from notifications.kinds import Kind, register
from notifications.services import notify

# Wagtail's history action when a version is scheduled (the editor or a
# workflow approval with a go-live date).
SCHEDULE_ACTION = "wagtail.publish.schedule"

GUIDE_REFUSED = Kind(
    key="learning.guide_schedule_refused",
    label="When a clinical guide you scheduled, saved, own or wrote is not published on its date",
    description="Why it was refused (such as an author's lapsed disclosure), what to do, and a "
    "link to the guide in the editor.",
    group="Editing",
)


def register_kind() -> None:
    register(GUIDE_REFUSED)


@dataclass
class Recipient:
    user: Any
    reasons: list[str] = field(default_factory=list)


def go_live_text(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%-d %B %Y} at {local:%H:%M} ({local.tzname()})"


def recipients(
    page: Any, revision: Revision | None, lapsed_user_ids: Sequence[int]
) -> list[Recipient]:
    """Everyone to tell about ``page``'s refused ``revision``, each with why."""
    wanted: list[tuple[int | None, str]] = []
    if revision is not None:
        scheduled = (
            PageLogEntry.objects.filter(
                page_id=page.pk, action=SCHEDULE_ACTION, revision_id=revision.pk
            )
            .order_by("-timestamp", "-pk")
            .values_list("user_id", flat=True)
            .first()
        )
        wanted.append((scheduled, "scheduled this publication"))
        wanted.append((revision.user_id, "saved the version that was scheduled"))
    wanted.append((page.owner_id, "own the guide"))
    for user_id in lapsed_user_ids:
        wanted.append((user_id, "are an author whose disclosure must be renewed"))
    ids = {user_id for user_id, _ in wanted if user_id is not None}
    users = get_user_model()._default_manager.in_bulk(list(ids))
    told: dict[int, Recipient] = {}
    for wanted_id, reason in wanted:
        if wanted_id is None or wanted_id not in users:
            continue
        recipient = told.setdefault(wanted_id, Recipient(users[wanted_id]))
        if reason not in recipient.reasons:
            recipient.reasons.append(reason)
    return list(told.values())


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def compose(
    page: Any,
    problems: Sequence[str],
    lapsed: Sequence[Any],
    go_live_at: datetime.datetime | None,
    *,
    was_live: bool,
    reasons: Sequence[str],
) -> tuple[str, str]:
    """(subject, text) for one recipient. The link to the editor is the
    notification's ``url``: the e-mail prints it right after this text."""
    title = f"“{page.title}”"
    when = go_live_text(go_live_at) if go_live_at else "its scheduled date"
    day = f"{timezone.localtime(go_live_at):%-d %B %Y}" if go_live_at else "its scheduled date"
    names = _names([mentor.display_name for mentor in lapsed])
    expired = all(mentor.disclosure_date is not None for mentor in lapsed)
    has = "has" if len(lapsed) == 1 else "have"
    if lapsed:
        what = f"{has} expired" if expired else "is missing or has expired"
        because = f"the disclosure of financial relationships of {names} {what}"
    else:
        because = "it did not meet the requirements for publishing a clinical guide"
    if was_live:
        state = (
            "Learners keep seeing the version of the guide that was already live; the "
            "scheduled changes are not shown to them."
        )
    else:
        state = "The guide is not live: learners cannot find or read it."
    lines = [
        f"The clinical guide {title} was scheduled to go live on {when}. It was not "
        f"published because {because}, and its schedule has been cancelled.",
        "",
        state,
        "",
        "Why it was refused:",
        *(f"- {problem}" for problem in problems),
        "",
        "A clinical-judgment guide is published only while every author has a disclosure of "
        "financial relationships given in the last 12 months, so that learners can weigh any "
        "conflict of interest before they act on clinical advice.",
        "",
        "What to do:",
    ]
    for mentor in lapsed:
        link = absolute_url(reverse("cms_disclosure_new", args=(mentor.pk,)))
        lines.append(
            f"- {mentor.display_name} signs a new disclosure (CME staff may enter a signed "
            f"form instead): {link}"
        )
    lines += [
        "- Then publish the guide again, or schedule a new go-live date, from the editor.",
        f"- If learners, colleagues or a course were told to expect it on {day}, let them "
        "know it is delayed.",
        "",
        f"You are told because you {_names(list(reasons))}.",
        "",
        "Open the guide in the editor:",
    ]
    subject = f"Not published: {title} did not go live on {day}"
    return subject, "\n".join(lines)


def tell_guide_refused(
    refused: PublishRefused,
    revision: Revision | None,
    go_live_at: datetime.datetime | None,
) -> int:
    """Write one notification to each person to tell (inside the caller's
    transaction); the number written (none for a person who turned the kind
    off or whose account is inactive)."""
    page = refused.page
    mentors = [author.mentor for author in page.authors.select_related("mentor__user")]
    lapsed = mentors_lacking_disclosure(page.topic, mentors, judged_on())
    was_live = bool(Page.objects.filter(pk=page.pk).values_list("live", flat=True).first())
    moment = f"{go_live_at:%Y%m%dT%H%M%S}" if go_live_at else "unscheduled"
    dedupe_key = f"guide-refused-{page.pk}-{revision.pk if revision else 0}-{moment}"
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    lapsed_user_ids = [mentor.user_id for mentor in lapsed if mentor.user_id]
    written = 0
    for recipient in recipients(page, revision, lapsed_user_ids):
        subject, text = compose(
            page,
            refused.problems,
            lapsed,
            go_live_at,
            was_live=was_live,
            reasons=recipient.reasons,
        )
        notification = notify(
            recipient.user,
            GUIDE_REFUSED.key,
            subject=subject,
            text=text,
            url=url,
            dedupe_key=dedupe_key,
        )
        written += notification is not None
    return written
