from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .disclosure_admin import audit
from .disclosure_admin import urls as disclosure_urls
from .disclosure_admin.mitigation import is_controlled_content
from .disclosure_block import guide_disclosure_context
from .models import Institution, Mentor
from .permissions import (
    OwnRecordPermissionPolicy,
    is_cme_staff,
    may_manage_disclosures_of,
    may_record_mitigation,
)
from .viewsets import PeopleViewSetGroup

register_permission_policy(
    Mentor, OwnRecordPermissionPolicy(Mentor, "cms.change_own_mentor", "user")
)
register_permission_policy(
    Institution, OwnRecordPermissionPolicy(Institution, "cms.change_own_institution", "staff")
)
register_snippet(PeopleViewSetGroup)

# Disclosures and CME review (cms.disclosure_admin). Other apps add content
# whose people disclose through three hooks this app calls:
#   content_control_entries(page) -> list of cms.control.Entry, or None
#   controlled_content_models() -> page models
#   content_controlled_by(person) -> pages that person controls
hooks.register("register_log_actions", audit.register_log_actions)


@hooks.register("register_admin_urls")
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


@hooks.register("register_admin_menu_item")
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


@hooks.register("register_page_header_buttons")
def content_review_button(page, user, view_name, next_url=None):
    if may_record_mitigation(user) and page.pk and is_controlled_content(page):
        yield Button(
            "Disclosures and mitigation",
            url=reverse("cms_content_review", args=(page.pk,)),
            icon_name="tick",
            priority=66,
        )


@hooks.register("register_snippet_listing_buttons")
def mentor_disclosure_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Mentor) and may_manage_disclosures_of(user, snippet):
        yield Button(
            "Disclosures",
            url=reverse("cms_disclosure_history", args=(snippet.pk,)),
            icon_name="doc-full",
            priority=15,
        )


# A guide's authors and the disclosure block shown before its content.
hooks.register("guide_page_context", guide_disclosure_context)
