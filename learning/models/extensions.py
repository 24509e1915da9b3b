"""Claim extensions: institution staff let one learner claim credit after the
path's claim deadline or termination date, with a reason (learning.journey
reads them; learning.certificates.extensions grants them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ClaimExtension(models.Model):
    wagtail_reference_index_ignore = True
    enrolment = models.ForeignKey(
        "learning.Enrolment", on_delete=models.PROTECT, related_name="claim_extensions"
    )
    until = models.DateField(help_text="The learner may claim up to and including this day.")
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason")]

    def __str__(self) -> str:
        return f"Claim extension for {self.enrolment} until {self.until}"
