"""Attach the publish gate's rule to the path model (``LearningConfig.ready``
calls ``attach``), and the one way to judge a publication as of another day.

The model's save asks the rule before a credit path goes live or gets a new
live version (``learning.models.publishing``); the editor's form asks the same
rule of the path as it would be saved. Both therefore say the same thing.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.db.models import Model

from learning.models import LearningPathPage

from .gate import path_problems

_judged_on: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar(
    "publish_gate_judged_on", default=None
)


def rule(path: LearningPathPage) -> list[str]:
    return path_problems(path, on=_judged_on.get())


def attach(page_class: type[Model]) -> None:
    """Make ``rule`` the publish gate of ``page_class`` (LearningPathPage)."""
    page_class.publish_rule = staticmethod(rule)  # type: ignore[attr-defined]


@contextlib.contextmanager
def judged_as_of(day: datetime.date) -> Iterator[None]:
    """Judge publications inside this block as of ``day`` (the whole rule,
    on that day): for loading content that was published in the past, such as
    the demo's history. Every route a person uses is judged today."""
    token = _judged_on.set(day)
    try:
        yield
    finally:
        _judged_on.reset(token)
