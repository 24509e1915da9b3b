"""The publish gate's place in the path model: every Wagtail publishing route
(the editor, the workflow's approval, scheduled and bulk publishing, reverting,
copying with "publish copies") ends in the page's ``save``, so the save refuses
to make a credit path live, or give it a new live version, while the rule
finds problems.

The rule itself (``learning.compliance.gate.path_problems``) is attached when
the app is ready (``learning.compliance.guard.attach``), so this model imports
no compliance code. Until then every gated save fails loudly: the gate is never
silently open.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from cms.publishing import publication_event
from learning.exceptions import PublishRefused
from learning.prerequisites import circular

if TYPE_CHECKING:
    from .pages import LearningPathPage

ALIAS_REFUSED = (
    "A path with credit cannot have an alias: the alias would show the same activity under a "
    "second address, with its own enrolments and claims. Copy it instead (as a draft), or link "
    "to it."
)
CIRCLE_REFUSED = (
    "A path this one requires already requires it (directly or through other paths): learners "
    "could then enrol in none of them. Remove that prerequisite on the Prerequisites panel."
)


def rule_not_attached(path: LearningPathPage) -> list[str]:
    raise ImproperlyConfigured(
        "The publish gate was not attached to LearningPathPage "
        "(learning.compliance.guard.attach, called by LearningConfig.ready)."
    )


class PublishGateMixin:
    """Mixed into ``LearningPathPage``; see the module docstring."""

    # Replaced by learning.compliance.guard.attach: path -> problems.
    publish_rule = staticmethod(rule_not_attached)
    ALIAS_REFUSED = ALIAS_REFUSED

    def publication_problems(self: Any) -> list[str]:
        """Every reason this path (as it is in memory) may not be published
        today; [] when it may (always [] without credit)."""
        return list(type(self).publish_rule(self))

    def publication_event(self: Any, update_fields: Iterable[str] | None) -> str | None:
        """``"alias"``, ``"live"`` (an unpublished row goes live), ``"revision"``
        (a live row gets a new live revision), or None for any other save (a
        draft, a live path saved for another reason, a new row)."""
        return publication_event(self, update_fields)

    def refuse_unpublishable(self: Any, update_fields: Iterable[str] | None) -> None:
        event = self.publication_event(update_fields)
        if event is None:
            return
        if event != "alias" and self.prerequisite_circle():
            raise PublishRefused(self, [CIRCLE_REFUSED])
        if decimal.Decimal(str(self.max_credits or 0)) <= 0:
            return
        if event == "alias":
            raise PublishRefused(self, [ALIAS_REFUSED])
        problems = self.publication_problems()
        if problems:
            raise PublishRefused(self, problems)

    def prerequisite_circle(self: Any) -> list[int]:
        """The paths this version requires that already require it back,
        directly or through others (any path, with or without credit: the
        editor refuses the row, and every other route to publishing, such as
        a draft approved from the dashboard, is refused here)."""
        required = [row.required_path_id for row in self.prerequisites.all()]
        return circular(self.pk, [r for r in required if r is not None])

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        self.refuse_unpublishable(kwargs.get("update_fields"))
        return super().save(*args, **kwargs)  # type: ignore[misc]
