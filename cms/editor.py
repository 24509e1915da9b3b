"""The page editor's autosave and workflow-action answers (hooks registered in
cms/wagtail_hooks.py).

Autosave posts the editor's form in the background while someone types.
Wagtail's create view defers the required fields, so the first autosave made
a page as soon as a title and an author were there: a half-made draft whose
slug then blocked starting again. Here a new page is made only once its form
is complete; until then, and while an existing page's form has errors,
autosave is told plainly what is missing, in a 200 answer (Wagtail's 400 on
every keystroke filled the console and logs with errors nobody had made).
An autosave with nothing changed saves no new version: choosing Approve in
the editor autosaves, and that copy of a submitted guide needed a review of
its own (the approval did not publish, or left a draft behind).

After a CME reviewer approves or rejects in the editor, Wagtail's banner only
says the page "has been updated"; the banner says what happened instead.
"""

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.text import capfirst

from wagtail.models import Page, Revision, WorkflowState

ACTIONS = ("action-publish", "action-submit", "action-restart-workflow", "action-workflow-action")


def is_background(request: HttpRequest) -> bool:
    """An autosave: a POST of the editor's form answered in JSON."""
    return request.method == "POST" and not request.accepts("text/html")


def carries_action(request: HttpRequest) -> bool:
    return any(request.POST.get(action) for action in ACTIONS) or bool(
        request.POST.get("action-cancel-workflow")
    )


def is_autosave(request: HttpRequest) -> bool:
    """A background save: a POST answered in JSON, with no action button."""
    return is_background(request) and not carries_action(request)


def action_left_to_the_form(latest: Revision | None) -> JsonResponse:
    """Choosing Approve (or Request changes) in the editor adds hidden
    ``action-workflow-action`` fields to the form and then submits it; adding
    them triggers an autosave, which carried them too. That background request
    approved the page, and the form's own submission, finding no review left,
    saved the page as a new draft (or, arriving first, a new version that
    restarted the review). Actions are taken by the form's submission only."""
    answer: dict[str, Any] = {"success": True}
    if latest is not None:
        answer["revision_id"] = latest.pk
        answer["revision_created_at"] = latest.created_at.isoformat()
    return JsonResponse(answer)


def not_saved_yet(form: Form) -> JsonResponse:
    """Wagtail's autosave shows ``error_message`` beside the editor's status."""
    labels = [
        str(capfirst(form.fields[name].label or name))
        for name in form.errors
        if name in form.fields
    ]
    formsets = getattr(form, "formsets", {})
    labels += [
        capfirst(name.replace("_", " "))
        for name, formset in formsets.items()
        if not formset.is_valid()
    ]
    detail = f" Check: {', '.join(labels)}." if labels else ""
    return JsonResponse(
        {
            "success": False,
            "error_code": "validation_error",
            "error_message": f"Not saved yet.{detail}",
        }
    )


def autosave_complete_pages_only(
    request: HttpRequest, parent_page: Page, page_class: type[Page]
) -> HttpResponse | None:
    """``before_create_page``: an autosave makes the page only when it is complete."""
    if is_background(request) and carries_action(request):
        return action_left_to_the_form(None)
    if not is_autosave(request):
        return None
    form_class = page_class.get_edit_handler().get_form_class()
    page = page_class(owner=request.user)
    page.locale = parent_page.locale
    form = form_class(
        request.POST,
        request.FILES,
        instance=page,
        parent_page=parent_page,
        for_user=request.user,
    )
    if form.is_valid():
        return None  # Wagtail saves it
    return not_saved_yet(form)


def autosave_answers_plainly(request: HttpRequest, page: Page) -> HttpResponse | None:
    """``before_edit_page``: an autosave Wagtail would refuse for errors in the
    form is answered with what to check, and one with no change saves nothing.
    Out-of-date and locked pages are left to Wagtail (its answer stops
    autosave)."""
    if is_background(request) and carries_action(request):
        return action_left_to_the_form(page.get_latest_revision())
    if not is_autosave(request):
        return None
    latest = page.get_latest_revision()
    posted = request.POST.get("overwrite_revision_id") or request.POST.get("loaded_revision_id")
    if latest is not None and posted and posted != str(latest.pk):
        return None
    form_class = page.get_edit_handler().get_form_class()
    form = form_class(
        request.POST,
        request.FILES,
        instance=page,
        parent_page=page.get_parent(),
        for_user=request.user,
    )
    form.defer_required_fields()
    if not form.is_valid():
        return not_saved_yet(form)
    if latest is not None and not form.has_changed():
        # Nothing to save. Choosing Approve sets a field, which autosaves:
        # a copy of the submitted version would need its own review.
        return JsonResponse(
            {
                "success": True,
                "revision_id": latest.pk,
                "revision_created_at": latest.created_at.isoformat(),
            }
        )
    return None


def workflow_action_banner(request: HttpRequest, page: Page) -> None:
    """``after_edit_page``: after Approve or Request changes in the editor, say
    what happened to the page instead of "has been updated"."""
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    page = Page.objects.get(pk=page.pk).specific
    title = page.get_admin_display_title()
    state: Any = page.workflow_states.order_by("-created_at", "-pk").first()
    latest = page.get_latest_revision()
    if state is None:
        return None
    if state.status == WorkflowState.STATUS_APPROVED and page.live_revision_id == latest.pk:
        text = f"'{title}' is approved and published."
    elif state.status == WorkflowState.STATUS_APPROVED:
        text = f"'{title}' is approved; it will be published at its scheduled time."
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        text = f"'{title}' is sent back to its authors for changes; it is not published."
    elif state.status == WorkflowState.STATUS_IN_PROGRESS and (
        state.current_task_state and state.current_task_state.revision_id == latest.pk
    ):
        text = (
            f"Your changes to '{title}' are saved as a new version. Every change needs "
            "its own CME review, so this version is not published yet: the reviewers are "
            "asked to review it, and approving it again (here or from the dashboard) "
            "publishes it."
        )
    else:
        return None
    replace_messages(request, text)
    return None


def replace_messages(request: HttpRequest, text: str) -> None:
    """Show ``text`` in place of this request's "has been updated" banner.
    Reading the messages marks them used; the others are added back."""
    storage = messages.get_messages(request)
    kept = [m for m in storage if "has been updated" not in m.message]
    for message in kept:
        messages.add_message(request, message.level, message.message, message.extra_tags)
    messages.success(request, text)
