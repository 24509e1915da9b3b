"""System checks of the editorial content's own rules (``manage.py check``)."""

from django.apps import apps
from django.core.checks import Error, Tags, register

from .panels import unrestricted_fields


def _edit_handlers():
    from wagtail.admin.panels import get_edit_handler
    from wagtail.models import Page

    for model in apps.get_models():
        if issubclass(model, Page):
            if model is not Page:
                yield model, model.get_edit_handler()
        elif hasattr(model, "panels") or hasattr(model, "edit_handler"):
            viewset = getattr(model, "snippet_viewset", None)
            yield model, viewset.get_edit_handler() if viewset else get_edit_handler(model)


@register(Tags.security)
def check_hidden_fields_are_refused(app_configs, **kwargs):
    """cms.E001: a field hidden from a role by a panel permission must also be
    refused when that role submits it (cms.panels.RestrictedPanel)."""
    errors = []
    for model, handler in _edit_handlers():
        for field, permission in unrestricted_fields(handler):
            errors.append(
                Error(
                    f"{model._meta.label}: the field {field!r} is hidden from users without "
                    f"{permission!r} but would still be accepted from them.",
                    hint="Use cms.panels.RestrictedPanel, or give the field's own FieldPanel "
                    "the permission.",
                    obj=model,
                    id="cms.E001",
                )
            )
    return errors
