from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .disclosure_admin import audit, menu
from .disclosure_block import guide_disclosure_context
from .editor import (
    autosave_answers_plainly,
    autosave_complete_pages_only,
    workflow_action_banner,
)
from .http_cache import HOOK as HTTP_CACHE_HOOK
from .http_cache import cms_dependents
from .models import Institution, Mentor
from .page_copy import refuse_bad_parent
from .permissions import OwnRecordPermissionPolicy
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
hooks.register("register_admin_urls", menu.disclosure_admin_urls)
hooks.register("register_admin_menu_item", menu.cme_menu)
hooks.register("register_page_header_buttons", menu.content_review_button)
hooks.register("register_snippet_listing_buttons", menu.mentor_disclosure_buttons)

# A guide's authors and the disclosure block shown before its content.
hooks.register("guide_page_context", guide_disclosure_context)

# The page editor: autosave makes complete pages only and answers plainly;
# Approve in the editor says what happened (cms.editor).
hooks.register("before_create_page", autosave_complete_pages_only)
hooks.register("before_edit_page", autosave_answers_plainly)
hooks.register("after_edit_page", workflow_action_banner)

# The copy view: a POST without a valid new parent page gets the copy form
# again with a message, not a server error (cms.page_copy).
hooks.register("before_copy_page", refuse_bad_parent)

# What a shared HTTP cache must purge with a page (cms.http_cache): the home
# page, the parent index, a guide's authors' profiles.
hooks.register(HTTP_CACHE_HOOK, cms_dependents)
