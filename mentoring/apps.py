from django.apps import AppConfig


class MentoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from cms.personal_data import register_section

        from . import privacy

        register_section("mentoring", privacy.export_section)
