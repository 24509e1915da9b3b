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
