from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning paths"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .certificates import events, tasks
        from .compliance import guard
        from .demo import content  # noqa: F401 - registers the learning seeder with seed_demo
        from .journey import pending, routes

        # The path page's subpage routes are the journey's views (the model imports none).
        routes.attach(self.get_model("LearningPathPage"))
        # The publish gate's rule (the model's save refuses without it).
        guard.attach(self.get_model("LearningPathPage"))

        # The certificate services announce a PDF to render; the task module
        # queues it. Connected here, so every issuance reaches the queue.
        events.pdf_needed.connect(tasks.enqueue_pdf, dispatch_uid="learning.certificates.pdf")
        # "Log in to enrol": the enrolment a visitor started finishes when they sign in.
        user_logged_in.connect(pending.finish_enrolment, dispatch_uid="learning.pending_enrolment")
