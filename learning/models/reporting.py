"""Report batches: what was reported to PARS (CME) or to a board through
PARS (MOC), when, by whom, row by row. A batch is permanent: the next batch
reports only what changed since (learning.reporting.batches)."""

from django.conf import settings
from django.db import models

from learning.boards import Board


class ReportBody(models.TextChoices):
    CME = "CME", "ACCME PARS: CME credit"
    ABA = "ABA", "ABA MOC through PARS"
    ABIM = "ABIM", "ABIM MOC through PARS"
    ABOHNS = "ABOHNS", "ABOHNS MOC through PARS"
    ABOS = "ABOS", "ABOS MOC through PARS"
    ABPATH = "ABPath", "ABPath MOC through PARS"
    ABP = "ABP", "ABP MOC through PARS"
    ABS = "ABS", "ABS MOC through PARS"
    ABTS = "ABTS", "ABTS MOC through PARS"


assert {b for b in ReportBody.values if b != "CME"} == set(Board.values)


class ReportAction(models.TextChoices):
    ADD = "add", "Add"
    DELETE = "delete", "Delete"


class ReportBatch(models.Model):
    wagtail_reference_index_ignore = True
    institution = models.ForeignKey(
        "cms.Institution", on_delete=models.PROTECT, related_name="report_batches"
    )
    body = models.CharField(max_length=10, choices=ReportBody.choices)
    number = models.PositiveIntegerField(help_text="1, 2, 3... per institution and body.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    provider_id = models.CharField(max_length=20, help_text="The ACCME provider ID reported.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "body", "number"], name="unique_batch_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} batch {self.number} ({self.institution})"


class ReportedCompletion(models.Model):
    """One row of a batch, with the values exactly as reported."""

    wagtail_reference_index_ignore = True
    batch = models.ForeignKey(ReportBatch, on_delete=models.PROTECT, related_name="rows")
    certificate = models.ForeignKey(
        "learning.Certificate", on_delete=models.PROTECT, related_name="reported"
    )
    action = models.CharField(max_length=10, choices=ReportAction.choices)
    data = models.JSONField(help_text="The row's values as written to the files.")

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "certificate", "action"], name="one_row_per_certificate_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.certificate_id} in {self.batch}"
