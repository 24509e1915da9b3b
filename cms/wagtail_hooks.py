from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .disclosure_block import guide_disclosure_context
from .models import Institution, Mentor
from .permissions import OwnRecordPermissionPolicy
from .viewsets import PeopleViewSetGroup

register_permission_policy(
    Mentor, OwnRecordPermissionPolicy(Mentor, "cms.change_own_mentor", "user")
)
register_permission_policy(
    Institution, OwnRecordPermissionPolicy(Institution, "cms.change_own_institution", "staff")
)
register_snippet(PeopleViewSetGroup)

# A guide's authors and the disclosure block shown before its content.
hooks.register("guide_page_context", guide_disclosure_context)
