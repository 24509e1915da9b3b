"""The header of Curbside's own admin screens (CME staff and reviewers)."""

from typing import Any

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class TitledAdminTemplateMixin(WagtailAdminTemplateMixin):
    """Wagtail's generic admin template shows the breadcrumbs as the visible
    header and the page title only to screen readers; with the base class's
    single "Home" item, "Home" was the visible title of every staff screen.
    Wagtail's own views end their breadcrumbs with the page's title; so do
    these."""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]
