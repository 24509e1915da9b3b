from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Curbside content"

    def ready(self):
        from django.urls import register_converter

        from .integers import IdConverter, register_lookups

        # <id:pk> in URL patterns: a positive bigint, or no match (cms.integers).
        register_converter(IdConverter, "id")
        register_lookups()
