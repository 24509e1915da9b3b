"""Credit a learner earned elsewhere, and the licence cycles they track it
against. Shown on the transcript apart from Curbside's own certificates."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from learning.boards import ExternalCreditType


def external_upload_to(instance: "ExternalCredit", filename: str) -> str:
    # Never a public folder (curbside.media serves images only from Wagtail's).
    return f"external-credit/{instance.user_id}/{filename}"


class ExternalCredit(models.Model):
    wagtail_reference_index_ignore = True
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_credits"
    )
    provider = models.CharField("accredited provider", max_length=200)
    activity = models.CharField("activity title", max_length=255)
    completed_on = models.DateField("date completed")
    credit_type = models.CharField(max_length=10, choices=ExternalCreditType.choices)
    amount = models.DecimalField(max_digits=6, decimal_places=2)
    certificate = models.FileField(
        "certificate (PDF or image)", upload_to=external_upload_to, blank=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=1000), name="external_amount_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_credit_type_display()}: {self.activity}"


class LicenceCycle(models.Model):
    """E.g. 50 credits every 2 years from 1 January 2025."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="licence_cycles"
    )
    name = models.CharField(max_length=120, help_text="E.g. 'Ohio medical licence'.")
    credits_required = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0.25), MaxValueValidator(1000)],
    )
    years = models.PositiveSmallIntegerField(
        "every (years)", validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    starts_on = models.DateField("first cycle starts on")
    counts = models.CharField(
        "credit that counts",
        max_length=10,
        choices=[("ama_1", "AMA PRA Category 1 Credit™ only"), ("all", "All credit types")],
        default="ama_1",
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credits_required__gt=0) & Q(years__gte=1) & Q(years__lte=10),
                name="licence_cycle_sensible",
            )
        ]

    def __str__(self) -> str:
        return self.name
