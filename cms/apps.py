from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Curbside content"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .spreadsheets import install

        install()
