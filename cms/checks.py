"""System checks of the project's own rules (``manage.py check``)."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """cms.E002: rate limits and spent two-factor codes live in the default
    cache, which every app process must share."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            Error(
                f"The default cache ({backend}) is not shared between processes: each app "
                "process would count log-in failures and spent two-factor codes on its own.",
                hint="Set CACHE_URL=db:// (the database cache).",
                id="cms.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs):
    """cms.E003: password-reset links must go by email, not into logs or files."""
    if settings.EMAIL_BACKEND in settings.UNSAFE_EMAIL_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: password-reset links, addresses "
                "and usernames would be written to the logs or to files, or lost.",
                hint="Use SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS); see docs/deploy.md.",
                id="cms.E003",
            )
        ]
    return []


@register(Tags.database, Tags.caches)
def check_cache_table(app_configs, databases=None, **kwargs):
    """cms.W004 (with --database): the database cache's table exists. A
    warning, so that `migrate`, which runs this check, can create it."""
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache
    from django.db import connections

    errors = []
    for alias in databases or ():
        tables = connections[alias].introspection.table_names()
        for name in settings.CACHES:
            cache = caches[name]
            if isinstance(cache, BaseDatabaseCache) and cache._table not in tables:
                errors.append(
                    Warning(
                        f"The cache table {cache._table!r} does not exist in {alias!r}.",
                        hint="Run `make migrate` (or manage.py createcachetable).",
                        id="cms.W004",
                    )
                )
    return errors
