from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning paths"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from notifications import schedule

        from .certificates import events, tasks
        from .compliance import guard, guide_refusals, snapshot
        from .demo import content  # noqa: F401 - registers the learning seeder with seed_demo
        from .journey import pending, routes
        from .reminders import certificates as certificate_reminders
        from .reminders import kinds as reminder_kinds
        from .reminders import scans as reminder_scans

        # The path page's subpage routes are the journey's views (the model imports none).
        routes.attach(self.get_model("LearningPathPage"))
        # The publish gate's rule (the model's save refuses without it).
        guard.attach(self.get_model("LearningPathPage"))
        # Cached compliance answers of path pages: any change they read invalidates them.
        snapshot.connect()

        # The certificate services announce a PDF to render; the task module
        # queues it. Connected here, so every issuance reaches the queue.
        events.pdf_needed.connect(tasks.enqueue_pdf, dispatch_uid="learning.certificates.pdf")
        # Learning reminders (docs/notifications.md): their kinds, their
        # scheduled scans, and the "certificate ready" notification written in
        # the transaction that marks a certificate's PDF ready.
        reminder_kinds.register_kinds()
        # A clinical guide refused at its scheduled go-live tells its people
        # (learning.compliance.guide_refusals, written by publish_scheduled).
        guide_refusals.register_kind()
        schedule.register("learning.inactivity", reminder_scans.scan_inactivity)
        schedule.register("learning.credit_ending", reminder_scans.scan_credit_ending)
        events.pdf_ready.connect(
            certificate_reminders.on_pdf_ready, dispatch_uid="learning.reminders.certificate"
        )
        # ... and not e-mailed once the certificate is revoked.
        post_save.connect(
            certificate_reminders.on_certificate_saved,
            sender=self.get_model("Certificate"),
            dispatch_uid="learning.reminders.certificate_revoked",
        )
        # "Log in to enrol": the enrolment a visitor started finishes when they sign in.
        user_logged_in.connect(pending.finish_enrolment, dispatch_uid="learning.pending_enrolment")
