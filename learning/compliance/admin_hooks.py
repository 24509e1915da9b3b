"""The publish gate on the admin routes that do not go through the path
editor's form: bulk publishing, copying, and the page history's wording.
Registered in ``learning.wagtail_hooks``. (The model's save refuses anyway;
these give the editor a clear answer before anything is attempted.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wagtail.log_actions import LogActionRegistry, LogFormatter
from wagtail.models import Page

from learning.models import LearningPathPage

from .notices import not_published_intro, refusal_html
from .scheduled import REFUSED_ACTION


def would_publish(page: LearningPathPage) -> LearningPathPage | None:
    """The path as bulk publishing would make it live (its latest revision),
    or None when publishing would not change what is live."""
    revision = page.get_latest_revision()
    if page.live and (revision is None or revision.pk == page.live_revision_id):
        return None
    return revision.as_object() if revision else page


def refuse_bulk_publish(
    request: HttpRequest, action_type: str, objects: list[Page], action: Any
) -> HttpResponse | None:
    """``before_bulk_action``: bulk publishing (with the descendants, when
    asked) is refused as a whole while any credit path in it may not be
    published; each such path's problems are listed."""
    if action_type != "publish":
        return None
    pages = [page.specific for page in objects]
    form = getattr(action, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += list(page.get_descendants().not_live().specific())
    refused = 0
    for page in pages:
        if not isinstance(page, LearningPathPage):
            continue
        candidate = would_publish(page)
        problems = candidate.publication_problems() if candidate is not None else []
        if problems:
            refused += 1
            messages.error(request, refusal_html(not_published_intro(page.title), problems))
    if not refused:
        return None
    messages.error(request, "Nothing was published: publish the other pages without these.")
    return redirect(action.next_url)


def explain_draft_copy(request: HttpRequest, page: Page, new_page: Page) -> None:
    """``after_copy_page``: a copy asked to be published but made as a draft
    (``LearningPathCopyForm``) says why."""
    copy = new_page.specific
    if not (isinstance(copy, LearningPathPage) and request.POST.get("publish_copies")):
        return
    if copy.live:
        return
    problems = copy.publication_problems()
    if problems:
        intro = (
            f"The copy '{copy.title}' was made as a draft, not published, because it does not "
            "yet meet the requirements for credit:"
        )
        messages.warning(request, refusal_html(intro, problems))


class PublishRefusedFormatter(LogFormatter):
    label = "Publishing refused"

    def format_message(self, log_entry: Any) -> str:
        problems = (log_entry.data or {}).get("problems") or []
        return "Scheduled publishing refused and cancelled: " + " ".join(problems)


def register_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action(REFUSED_ACTION)(PublishRefusedFormatter)
