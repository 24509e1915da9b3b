"""Registration only: consult moderation in the admin, and the "Ask the
author" section under every guide. Imported by MentoringConfig.ready."""

from wagtail import hooks

from .sections import guide_consult_section
from .viewsets import ConsultModerationViewSet

hooks.register("guide_page_sections", guide_consult_section)


@hooks.register("register_admin_viewset")
def register_consult_moderation() -> ConsultModerationViewSet:
    return ConsultModerationViewSet()
