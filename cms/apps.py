from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Curbside content"

    def ready(self):
        from django.urls import register_converter

        from . import checks  # noqa: F401  (registers the system checks)
        from .integers import IdConverter, register_lookups
        from .models import routing
        from .spreadsheets import install

        # <id:pk> in URL patterns: a positive bigint, or no match (cms.integers).
        register_converter(IdConverter, "id")
        register_lookups()
        install()
        # Pages kept in the cache by address: any change to pages, images,
        # sites or view restrictions reads them again from the tree.
        routing.connect()
