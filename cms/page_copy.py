"""Wagtail's page copy view (/admin/pages/<id>/copy/) with a bad parent.

Wagtail 8's ``CopyView.post`` looks the new parent up with
``Page.objects.get(id=request.POST["new_parent_page"])`` before its form is
validated, so a POST without ``new_parent_page``, with an empty value, text,
or the id of no page was a server error. :func:`refuse_bad_parent` (the
``before_copy_page`` hook, registered in ``cms.wagtail_hooks``) answers such a
POST itself: the copy form again, bound to what the editor sent (title, slug,
options kept), every other error of the form shown too, and on the parent
field a message saying to choose one. Nothing is copied. Any other POST, and
every GET, goes on to Wagtail's view unchanged (a valid parent the editor may
not copy to is refused by Wagtail's own form).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse

from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page

from .integers import parse_int

FIELD = "new_parent_page"
PARENT_MESSAGE = (
    "Choose the parent page for the copy: the parent page sent was missing or is not a page."
)


def parent_exists(value: Any) -> bool:
    """Is ``value`` (as posted) the id of an existing page?"""
    pk = parse_int(value, min_value=1) if isinstance(value, str) else None
    return pk is not None and Page.objects.filter(pk=pk).exists()


def copy_form_with_bad_parent(request: HttpRequest, page: Page) -> Any:
    """The page's copy form bound to the POST without the bad parent (the
    page chooser cannot show an id that is no page), validated, with
    :data:`PARENT_MESSAGE` on the parent field."""
    data = request.POST.copy()
    data.pop(FIELD, None)
    form_class = getattr(page.specific_class, "copy_form_class", CopyForm)
    form = form_class(data, user=request.user, page=page)
    form.is_valid()
    form.errors.pop(FIELD, None)
    form.add_error(FIELD, PARENT_MESSAGE)
    return form


def refuse_bad_parent(request: HttpRequest, page: Page) -> TemplateResponse | None:
    """``before_copy_page``: for a POST whose parent is missing or no page,
    the copy form again with a message (200); otherwise None (Wagtail's view
    goes on). Wagtail has already checked that the user may copy ``page``."""
    if request.method != "POST" or parent_exists(request.POST.get(FIELD)):
        return None
    context = {
        "form": copy_form_with_bad_parent(request, page),
        "page": page,
        "next": get_valid_next_url_from_request(request),
    }
    return TemplateResponse(request, "wagtailadmin/pages/copy.html", context)
