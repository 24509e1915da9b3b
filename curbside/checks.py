"""System checks of the project's deployment (``manage.py check --deploy``,
``check --database default``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """curbside.E002: rate limits and spent two-factor codes live in the default
    cache, which every app process must share."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            Error(
                f"The default cache ({backend}) is not shared between processes: each app "
                "process would count log-in failures and spent two-factor codes on its own.",
                hint="Set CACHE_URL=db:// (the database cache).",
                id="curbside.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs):
    """curbside.E003: password-reset links must go by email, not into logs or files."""
    if settings.EMAIL_BACKEND in settings.UNSAFE_EMAIL_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: password-reset links, addresses "
                "and usernames would be written to the logs or to files, or lost.",
                hint="Use SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS); see docs/deploy.md.",
                id="curbside.E003",
            )
        ]
    return []


@register(Tags.database, Tags.caches)
def check_cache_table(app_configs, databases=None, **kwargs):
    """curbside.W004 (with --database): the database cache's table exists. A
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
                        id="curbside.W004",
                    )
                )
    return errors


@register()
def check_certificate_renderer(app_configs, **kwargs):
    """curbside.E005: CERTIFICATE_RENDERER names a renderer that exists."""
    from learning.certificates.rendering import Renderer

    if settings.CERTIFICATE_RENDERER not in set(Renderer):
        return [
            Error(
                f"CERTIFICATE_RENDERER is {settings.CERTIFICATE_RENDERER!r}.",
                hint="Use 'layered' (the default) or 'flow'; see docs/certificates.md.",
                id="curbside.E005",
            )
        ]
    return []


@register(deploy=True)
def check_certificate_fonts(app_configs, **kwargs):
    """curbside.W006: a font for every script a learner's name may be in."""
    from learning.certificates.font_coverage import scripts_without_a_font

    missing = scripts_without_a_font()
    if missing is None:
        return [
            Warning(
                "fontconfig's fc-list is not installed: the fonts certificates print "
                "names in cannot be checked.",
                hint="Install fontconfig, fonts-dejavu-core, fonts-noto-core and "
                'fonts-noto-cjk; see docs/deploy.md, "Fonts for certificates".',
                id="curbside.W006",
            )
        ]
    if missing:
        return [
            Warning(
                f"No font for {', '.join(missing)}: a learner's name in these scripts "
                "would print on their certificate as empty boxes.",
                hint="Install fonts-noto-core and fonts-noto-cjk (Debian); see "
                'docs/deploy.md, "Fonts for certificates".',
                id="curbside.W006",
            )
        ]
    return []
