from django.apps import AppConfig


class CurbsideConfig(AppConfig):
    """The project package: settings, URLs, WSGI, health, observability,
    security headers, middleware, storage, accounts and backups. It sits on
    top of the apps and may import all of them; no app imports it."""

    name = "curbside"
    verbose_name = "Curbside"

    def ready(self):
        # The deploy checks, and the demo users for seed_demo.
        from . import checks, demo  # noqa: F401
        from .http_cache import purge

        purge.connect()
        # Wagtail's own handlers purge only the page, and inside the
        # publishing transaction (a visitor could re-cache the old version
        # before it commits): ours purge after commit, with what shows it.
        from django.apps import apps

        from wagtail.contrib.frontend_cache import signal_handlers
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished

        for model in apps.get_models():
            if issubclass(model, Page):
                page_published.disconnect(
                    signal_handlers.page_published_signal_handler, sender=model
                )
                page_unpublished.disconnect(
                    signal_handlers.page_unpublished_signal_handler, sender=model
                )
