"""Admin panels that a role may not see are also fields it may not submit.

Wagtail removes a field from the submitted form only when the field's own
``FieldPanel`` names a permission (``PermissionedForm``); a ``permission`` on
a group (``MultiFieldPanel``) only hides the group, and a hidden field that
is absent from the POST is then saved as blank. ``RestrictedPanel`` is a
group whose permission is copied onto every field in it, so the server
refuses what the editor hides; the system check ``cms.E001``
(``unrestricted_fields``) finds any group that forgets to.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ImproperlyConfigured

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, Panel, PanelGroup


def _restrict(panel: Panel, permission: str) -> Panel:
    if isinstance(panel, InlinePanel):
        raise ImproperlyConfigured(
            f"An InlinePanel ({panel.relation_name}) cannot be restricted by permission."
        )
    if isinstance(panel, FieldPanel):
        kwargs = panel.clone_kwargs()
        kwargs["permission"] = permission
        return panel.__class__(**kwargs)
    if isinstance(panel, PanelGroup):
        kwargs = panel.clone_kwargs()
        kwargs["children"] = [_restrict(child, permission) for child in panel.children]
        return panel.__class__(**kwargs)
    return panel


class RestrictedPanel(MultiFieldPanel):
    """A group of fields that only users with ``permission`` see and change."""

    def __init__(self, children=(), *args, permission: str, **kwargs):
        children = [_restrict(child, permission) for child in children]
        super().__init__(children, *args, permission=permission, **kwargs)


def walk(panel: Panel) -> Iterator[Panel]:
    yield panel
    for child in getattr(panel, "children", ()):
        yield from walk(child)


def restricted_fields(panel: Panel) -> dict[str, str]:
    """``{field name: permission}`` for every field the form drops for users
    without that permission."""
    return {
        p.field_name: p.permission
        for p in walk(panel)
        if isinstance(p, FieldPanel) and p.permission
    }


def unrestricted_fields(panel: Panel) -> list[tuple[str, str]]:
    """(field, permission) pairs where a group is hidden by a permission but a
    field inside it would still be accepted from a user without it."""
    problems = []
    for group in walk(panel):
        if not isinstance(group, PanelGroup) or not group.permission:
            continue
        for inner in walk(group):
            if isinstance(inner, InlinePanel):
                problems.append((inner.relation_name, group.permission))
            elif isinstance(inner, FieldPanel) and inner.permission != group.permission:
                problems.append((inner.field_name, group.permission))
    return problems
