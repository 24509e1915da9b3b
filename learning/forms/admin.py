"""The path editor's forms: the page form (with the publish gate) and the
copy form (no aliases of credit paths; a copy that could not be published is
made as a draft)."""

import copy
import decimal
from typing import Any

from wagtail.admin.forms.pages import CopyForm

from cms.credits import format_credits
from cms.forms import EditorPageForm
from learning.boards import RULES
from learning.permissions import choosable_institutions_q
from learning.prerequisites import circular
from learning.rules import in_quarters

GATED_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow")
# The inline panels the rule reads: the path as the editor would save it.
CHILD_RELATIONS = ("steps", "contributors", "commercial_support")


class LearningPathPageForm(EditorPageForm):
    """Refuses to submit, approve or publish a credit path while the publish
    gate (the same rule the page's save applies) finds problems, listing them
    all; saving a draft is always allowed, and the editor comes back filled in.

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

    def publishing(self) -> bool:
        """Does this request ask to submit, approve or publish the path?"""
        if any(self.data.get(action) for action in GATED_ACTIONS):
            return True
        return bool(self.data.get("action-workflow-action")) and (
            self.data.get("workflow-action-name") == "approve"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_moc(cleaned.get("max_credits"))
        self.check_prerequisites()
        return cleaned

    def check_prerequisites(self) -> None:
        """A prerequisite that already requires this path (directly or
        through others) would lock learners out of both: refused on its row."""
        formset = self.formsets.get("prerequisites")
        if formset is None:
            return
        formset.is_valid()
        rows: dict[int, Any] = {}
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("required_path"):
                rows.setdefault(data["required_path"].pk, form)
        for required_id in circular(self.instance.pk, rows):
            rows[required_id].add_error(
                "required_path",
                "This path already requires the one you are editing (directly or through "
                "other paths): learners could then enrol in none of them. Remove one of the two.",
            )

    def check_moc(self, max_credits: decimal.Decimal | None) -> None:
        """Each MOC registration (Accreditation tab): a credit type of its own
        board, points in quarters and at most the path's maximum credits (a
        learner earns MOC points for the credits they claim), on a path that
        bears credit. Errors go on the row, so the editor sees which."""
        formset = self.formsets.get("moc")
        if formset is None:
            return
        formset.is_valid()  # the rows' own cleaning first
        maximum = max_credits or decimal.Decimal(0)
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            board, credit_type, points = (
                data.get("board"),
                data.get("credit_type"),
                data.get("points"),
            )
            if board and credit_type and credit_type.partition(":")[0] != board:
                kinds = ", ".join(kind.label for kind in RULES[board].credit_types)
                form.add_error(
                    "credit_type", f"This is not one of {board}'s credit types: choose {kinds}."
                )
            if points is None:
                continue
            if maximum <= 0:
                form.add_error(
                    "points",
                    "MOC points come with the path's credit: set the maximum credits, or "
                    "remove this registration.",
                )
            elif points > maximum:
                form.add_error(
                    "points",
                    f"At most the path's maximum credits ({format_credits(maximum)}): "
                    "learners earn MOC points for the credits they claim.",
                )
            if not in_quarters(points):
                form.add_error("points", "MOC points are given in quarters (0.25, 0.5, 0.75...).")

    def _post_clean(self) -> None:
        # After the model form has copied the typed values onto the instance.
        super()._post_clean()
        if not self.publishing():
            return
        shown = {message for errors in self.errors.values() for message in errors}
        for problem in self.path_as_saved().publication_problems():
            if problem not in shown:
                self.add_error(None, problem)

    def path_as_saved(self) -> Any:
        """A copy of the instance with the typed values and the submitted inline
        rows (steps, planners and reviewers, commercial support) in memory;
        the instance itself and the database are untouched."""
        path = copy.copy(self.instance)
        path._cluster_related_objects = {}
        for name in CHILD_RELATIONS:
            formset = self.formsets.get(name)
            if formset is None:
                continue
            formset.is_valid()
            forms = [
                form
                for form in formset.forms
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
            ]
            forms.sort(key=lambda form: form.cleaned_data.get("ORDER") or 0)
            children = []
            for order, form in enumerate(forms):
                child = copy.copy(form.instance)
                child.sort_order = order
                children.append(child)
            setattr(path, name, children)
        return path


class LearningPathCopyForm(CopyForm):
    """Wagtail's copy form for paths. A credit path may not be aliased (an
    alias would be the same activity at a second address, with its own
    enrolments and claims). "Publish copied page" publishes the copy only if
    the publish gate passes for the copy (planners' and reviewers' relevance
    decisions are recorded per path, so a copy starts without them);
    otherwise the copy is made as a draft and the editor is told why
    (``learning.wagtail_hooks``)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        source = self.page.specific
        if not source.credit_bearing:
            return cleaned
        if cleaned.get("alias"):
            self.add_error("alias", source.ALIAS_REFUSED)
        elif cleaned.get("publish_copies"):
            self.copy_problems = as_new_copy(source).publication_problems()
            if self.copy_problems:
                cleaned["publish_copies"] = False
        return cleaned


def as_new_copy(path: Any) -> Any:
    """The path as a fresh copy would be: no primary key (so no decisions
    recorded on the original apply), the same steps and people."""
    fresh = copy.copy(path)
    fresh._cluster_related_objects = {}
    fresh.pk = fresh.id = fresh.page_ptr_id = None
    for name in CHILD_RELATIONS:
        setattr(fresh, name, [copy.copy(child) for child in getattr(path, name).all()])
    return fresh
