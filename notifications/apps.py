from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from cms.personal_data import register_section

        from . import events, privacy, tasks

        register_section("notifications", privacy.export_section)

        # A notification created inside a request is delivered by the task
        # worker, never by the request: connected only when tasks run in a
        # worker (TASKS_BACKEND=database). In the embedded setup
        # `manage.py send_notifications` (cron) delivers them.
        events.created.connect(tasks.enqueue_delivery, dispatch_uid="notifications.deliver")
