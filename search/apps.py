from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Signal handlers keep the index in step with publishing; the system
        # check reports a configured engine that cannot be reached.
        from . import checks, demo, signals  # noqa: F401
