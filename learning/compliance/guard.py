"""Attach the publish gate's rule to the path model (``LearningConfig.ready``
calls ``attach``), and the one way to judge a publication as of another day.

The model's save asks the rule before a credit path goes live or gets a new
live version (``learning.models.publishing``); the editor's form asks the same
rule of the path as it would be saved. Both therefore say the same thing.
"""

from __future__ import annotations

from django.db.models import Model

from cms.publishing import judged_as_of, judged_on
from learning.models import LearningPathPage

from .gate import path_problems

# ``judged_as_of(day)`` (cms.publishing) judges every gated publication inside
# it as of ``day``, this rule's and a clinical guide's alike: for loading
# content that was published in the past, such as the demo's history. Every
# route a person uses is judged today.
__all__ = ["attach", "judged_as_of", "rule"]


def rule(path: LearningPathPage) -> list[str]:
    return path_problems(path, on=judged_on())


def attach(page_class: type[Model]) -> None:
    """Make ``rule`` the publish gate of ``page_class`` (LearningPathPage)."""
    page_class.publish_rule = staticmethod(rule)  # type: ignore[attr-defined]
