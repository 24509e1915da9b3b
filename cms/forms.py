import re
from functools import cached_property
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.base import BlockField
from wagtail.coreutils import find_available_slug

from .rules import disclosure_problems

GATED_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow")

# Draftail adds a random key to each paragraph of rich text that has none
# (content written before the editor saw it, e.g. the demo and imports): the
# key identifies a paragraph to comments; it is not content.
BLOCK_KEY = re.compile(r'\sdata-block-key="[^"]*"')


def comparable(value: Any) -> Any:
    """``value`` (a field's database form) without rich text's paragraph keys."""
    if isinstance(value, str):
        return BLOCK_KEY.sub("", value)
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [comparable(item) for item in value]
    return value


class EditorPageForm(WagtailAdminPageForm):
    """The page editor's form for Curbside's pages.

    ``changed_data`` is exact. Wagtail runs a CME reviewer's Approve in the
    editor on the current revision only when the form has no changes;
    otherwise it saves a new revision, which (with re-approval on edit) opens
    a new review task instead of publishing. Django's comparison finds changes
    where there are none: it compares a StreamField's raw, uncleaned post
    ("2009" against 2009), rich text's new paragraph keys, and dates with a
    callable default against a hidden initial input Wagtail never renders. A
    field counts as changed here only if its cleaned value differs.

    A new page whose slug is taken by its author's own never-published draft
    (one left behind, e.g. by autosave) gets the next free slug instead of an
    error: starting the same page again works.
    """

    @cached_property
    def changed_data(self) -> list[str]:  # type: ignore[override]
        return [name for name in super().changed_data if not self._same_as_initial(name)]

    def _same_as_initial(self, name: str) -> bool:
        cleaned = getattr(self, "cleaned_data", {})
        if name not in cleaned:
            return False
        field = self.fields[name]
        initial = self.get_initial_for_field(field, name)
        value = cleaned[name]
        if isinstance(field, BlockField):
            initial = field.block.get_prep_value(initial)
            value = field.block.get_prep_value(value)
        if isinstance(initial, Model) or isinstance(value, Model):
            return False
        return comparable(initial) == comparable(value)

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if slug and self.instance.pk is None and self._own_draft_holds(slug):
            slug = find_available_slug(self.parent_page, slug)
            self.moved_slug = slug
        return slug

    def _own_draft_holds(self, slug: str) -> bool:
        if self.parent_page is None or self.for_user is None:
            return False
        return (
            self.parent_page.get_children()
            .filter(slug=slug, owner=self.for_user, live=False, first_published_at__isnull=True)
            .exists()
        )

    def get_field_updates_for_resave(self) -> list[tuple[str, str]]:
        """Autosave: the open editor takes the slug the page was given."""
        updates = super().get_field_updates_for_resave()
        if getattr(self, "moved_slug", None):
            updates.append(("slug", self.moved_slug))
        return updates


class GuidePageForm(EditorPageForm):
    """Blocks submission (and publication) of a clinical guide whose authors'
    disclosures are out of date. The editor keeps every change and sees why.

    A mentor starting a new guide finds themself as its first author."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None:
            self._propose_author()

    def _propose_author(self) -> None:
        formset = self.formsets.get("authors")
        try:
            mentor = self.for_user.mentor_profile if self.for_user else None
        except ObjectDoesNotExist:
            mentor = None
        if formset is not None and mentor is not None and mentor.is_active:
            # An extra form's initial: posted back, it is a new author row.
            formset.initial_extra = [{"mentor": mentor.pk}]

    def _submitted_mentors(self):
        formset = self.formsets.get("authors")
        if formset is None:
            return []
        formset.is_valid()  # cleans the inline forms if Wagtail has not yet
        mentors = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("mentor"):
                continue
            mentors.append(data["mentor"])
        return mentors

    def publishing(self) -> bool:
        """Does this request ask to submit, approve or publish the guide?
        (The page's save refuses the other routes: cms.publishing.)"""
        if any(self.data.get(action) for action in GATED_ACTIONS):
            return True
        return bool(self.data.get("action-workflow-action")) and (
            self.data.get("workflow-action-name") == "approve"
        )

    def clean(self):
        cleaned = super().clean()
        if self.publishing():
            mentors = self._submitted_mentors()
            for problem in disclosure_problems(cleaned.get("topic"), mentors):
                self.add_error(None, problem)
        return cleaned
