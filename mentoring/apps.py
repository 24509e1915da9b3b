from django.apps import AppConfig


class MentoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from cms.personal_data import register_eraser, register_section
        from notifications import schedule

        from . import notices, privacy  # noqa: F401 - notices registers the notification kinds
        from .demo import seed  # noqa: F401 - registers the mentoring seeder with seed_demo
        from .services.scan import scan

        register_section("mentoring", privacy.export_section)
        register_eraser("mentoring", privacy.erase)
        # Reminders after 3 days and expiry after 7: run by send_notifications (cron or task).
        schedule.register("mentoring.requests", lambda now: scan(now).written)
