"""The publish gate's shared machinery: what a refusal is, when a save makes
a page (or a new version of it) live, and the day publications are judged.

Every Wagtail publishing route (the editor, the workflow's approval from the
dashboard or the editor, scheduled and bulk publishing, reverting) ends in
the page's ``save``; a gated page type refuses there, so no route can skip
the rule. ``curbside.middleware.PublishRefusedMiddleware`` turns a refusal in
an admin request into the editor with every problem listed (nothing done),
and ``publish_scheduled`` cancels a refused schedule.

Gated here: a Clinical-judgment guide while an author's disclosure is
missing or expired (``cms.rules.disclosure_problems``). Credit paths have
their own rule (``learning.models.publishing``) on the same machinery.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from cms.rules import disclosure_problems

_judged_on: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar(
    "publish_gate_judged_on", default=None
)


class PublishRefused(ValidationError):
    """A page may not go live (or get a new live version): every reason, in
    plain words, in ``problems``."""

    def __init__(self, page: Any, problems: Sequence[str]) -> None:
        self.page = page
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        title = getattr(self.page, "title", "This page")
        return f"'{title}' cannot be published: " + " ".join(self.problems)


def judged_on() -> datetime.date | None:
    """The day publications are judged: None (today) except in ``judged_as_of``."""
    return _judged_on.get()


@contextlib.contextmanager
def judged_as_of(day: datetime.date) -> Iterator[None]:
    """Judge publications inside this block as of ``day``: for loading
    content that was published in the past, such as the demo's. Every route
    a person uses is judged today."""
    token = _judged_on.set(day)
    try:
        yield
    finally:
        _judged_on.reset(token)


def publication_event(page: Any, update_fields: Iterable[str] | None) -> str | None:
    """What saving ``page`` now does: ``"alias"`` (a new alias), ``"live"``
    (an unpublished row goes live), ``"revision"`` (a live row gets a new live
    revision), or None for any other save (a draft, a live page saved for
    another reason, a new row)."""
    from wagtail.models import Page  # not at import: learning's exceptions load early

    if page._state.adding:
        return "alias" if page.alias_of_id else None
    if not page.live:
        return None
    if update_fields is not None and not {"live", "live_revision"} & set(update_fields):
        return None
    row = Page.objects.filter(pk=page.pk).values("live", "live_revision_id").first()
    if row is None:
        return None
    if not row["live"]:
        return "live"
    if page.live_revision_id and page.live_revision_id != row["live_revision_id"]:
        return "revision"
    return None


def refuse_unpublishable_guide(guide: Any, update_fields: Iterable[str] | None) -> None:
    """Raise PublishRefused when this save would publish a Clinical-judgment
    guide whose authors (as the version being published names them) do not
    all have a current disclosure."""
    if publication_event(guide, update_fields) not in ("live", "revision"):
        return
    mentors = [author.mentor for author in guide.authors.all()]
    problems = disclosure_problems(guide.topic, mentors, on=judged_on())
    if problems:
        raise PublishRefused(guide, problems)
