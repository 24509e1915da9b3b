"""The admin's CME menu, the page header's "Disclosures and mitigation"
button and the mentor listing's "Disclosures" button (registered in
cms/wagtail_hooks.py)."""

from django.urls import include, path, reverse

from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button

from cms.models import Mentor
from cms.permissions import is_cme_staff, may_manage_disclosures_of, may_record_mitigation

from . import urls as disclosure_urls
from .mitigation import is_controlled_content


def disclosure_admin_urls():
    return [path("", include(disclosure_urls))]


class DisclosuresMenuItem(MenuItem):
    """CME staff see everyone; a person (a Mentor) sees their own."""

    def is_shown(self, request):
        user = request.user
        return is_cme_staff(user) or Mentor.objects.filter(user=user).exists()


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        return may_record_mitigation(request.user)


def cme_menu():
    items = [
        DisclosuresMenuItem(
            "Disclosures", reverse("cms_disclosure_people"), icon_name="doc-full", order=1
        ),
        ReviewerMenuItem(
            "Disclosures and mitigation",
            reverse("cms_content_index"),
            icon_name="tick",
            order=2,
        ),
    ]
    return SubmenuMenuItem("CME", Menu(items=items), icon_name="doc-full", name="cme", order=899)


def content_review_button(page, user, view_name, next_url=None):
    if may_record_mitigation(user) and page.pk and is_controlled_content(page):
        yield Button(
            "Disclosures and mitigation",
            url=reverse("cms_content_review", args=(page.pk,)),
            icon_name="tick",
            priority=66,
        )


def mentor_disclosure_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Mentor) and may_manage_disclosures_of(user, snippet):
        yield Button(
            "Disclosures",
            url=reverse("cms_disclosure_history", args=(snippet.pk,)),
            icon_name="doc-full",
            priority=15,
        )
