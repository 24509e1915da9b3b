from django.apps import AppConfig


class MentoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from cms.personal_data import register_section

        from . import privacy

        register_section("mentoring", privacy.export_section)

        # The relationship space: its notification kinds, the 24-hour session
        # reminder scan and its privacy export section (mentoring.space).
        from .space import notices as space_notices
        from .space import privacy as space_privacy

        space_notices.register()
        space_privacy.register()
        from .consults import startup as consults_startup

        consults_startup.ready()
