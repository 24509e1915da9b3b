"""What the daily compliance check found for each live credit path: one row
each time a path's state changes (falls out of compliance, or is put right),
so staff are told once, and the history shows when a path stopped and
resumed taking enrolments and claims."""

from django.db import models
from django.utils import timezone


class PathComplianceCheck(models.Model):
    path = models.ForeignKey(
        "learning.LearningPathPage", on_delete=models.CASCADE, related_name="compliance_checks"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    compliant = models.BooleanField()
    problems = models.JSONField(default=list, blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the institution's staff were told."
    )

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["path", "-checked_at"], name="compliance_path_newest")]

    def __str__(self) -> str:
        state = "compliant" if self.compliant else "out of compliance"
        return f"{self.path_id} {state} at {self.checked_at:%Y-%m-%d %H:%M}"
