from typing import Any

from wagtail.admin.forms import WagtailAdminPageForm

from learning.permissions import choosable_institutions_q
from learning.rules import publication_problems

GATED_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow")


class LearningPathPageForm(WagtailAdminPageForm):
    """Refuses to submit or publish a credit-bearing path that is not ready.

    The accrediting institution is chosen among the editor's own institutions
    (any, for superusers); the path's current institution stays selectable so a
    CME reviewer can save the path without changing it. Any other id posted is
    an invalid choice: staff of one institution cannot make another issue
    credit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("institution")
        user = self.for_user
        if field is not None and user is not None and not user.is_superuser:
            allowed = choosable_institutions_q(user, self.instance.institution_id)
            field.queryset = field.queryset.filter(allowed).distinct()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if any(self.data.get(action) for action in GATED_ACTIONS):
            steps = self.formsets.get("steps")
            step_count = 0
            if steps is not None and steps.is_valid():
                step_count = sum(
                    1
                    for form in steps.forms
                    if form.cleaned_data.get("guide") and not form.cleaned_data.get("DELETE")
                )
            for problem in publication_problems(
                max_credits=cleaned.get("max_credits"),
                objectives=cleaned.get("objectives"),
                step_count=step_count,
                institution=cleaned.get("institution"),
                release_date=cleaned.get("release_date"),
                termination_date=cleaned.get("termination_date"),
                post_test=cleaned.get("post_test"),
            ):
                self.add_error(None, problem)
        return cleaned
