"""Content that learner records point at cannot be deleted: it is unpublished
instead, so no completion, attempt or claim is ever lost."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect

from wagtail.models import Page

from .models import Enrolment, PathStep, StepCompletion


def records_blocking_deletion(page):
    pages = Page.objects.descendant_of(page, inclusive=True)
    ids = list(pages.values_list("pk", flat=True))
    if Enrolment.objects.filter(path_id__in=ids).exists():
        return "learners are enrolled in it"
    if StepCompletion.objects.filter(guide_id__in=ids).exists():
        return "learners have completed it as a step"
    if PathStep.objects.filter(Q(guide_id__in=ids) & ~Q(page_id__in=ids)).exists():
        return "a learning path uses it as a step"
    return None


def refuse_deleting_records(request, page):
    """``before_delete_page`` hook: explain and go back instead of deleting."""
    reason = records_blocking_deletion(page)
    if reason is None:
        return None
    messages.error(
        request,
        f"“{page.get_admin_display_title()}” cannot be deleted because {reason}; learner records "
        "must be kept. Unpublish it instead (or remove it from the path first).",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
