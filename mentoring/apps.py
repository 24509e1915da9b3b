from django.apps import AppConfig


class MentoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from cms.personal_data import register_eraser, register_section
        from notifications import schedule

        from . import notices, privacy  # noqa: F401 - notices registers the notification kinds
        from .consults import startup as consults_startup
        from .demo import seed  # noqa: F401 - registers the mentoring seeder with seed_demo
        from .services.scan import scan
        from .space import notices as space_notices
        from .space import privacy as space_privacy

        # Programmes, profiles, requests: the privacy export's "mentoring"
        # section. Erasers run in name order: this one after "mentoring_space"'s,
        # which first tells the other member of each active relationship.
        register_section("mentoring", privacy.export_section)
        register_eraser("mentoring_whole", privacy.erase)
        # Reminders after 3 days and expiry after 7: run by send_notifications (cron or task).
        schedule.register("mentoring.requests", lambda now: scan(now).written)
        # The relationship space: its notification kinds, the 24-hour session
        # reminder scan and its privacy export section (mentoring.space).
        space_notices.register()
        space_privacy.register()
        consults_startup.ready()
