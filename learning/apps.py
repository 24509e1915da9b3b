from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning paths"

    def ready(self) -> None:
        from .demo import content  # noqa: F401 - registers the learning seeder with seed_demo
