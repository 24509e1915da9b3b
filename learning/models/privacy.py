"""The record that a learner deleted their account. It holds no personal
data: only when, how many certificates were kept and until when."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountDeletion(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_deletion",
        help_text="The anonymised account kept while its certificates are retained; "
        "empty when nothing had to be kept or once the retention period is over.",
    )
    deleted_at = models.DateTimeField(default=timezone.now)
    certificates_kept = models.PositiveIntegerField(default=0)
    retain_until = models.DateField(
        null=True,
        blank=True,
        help_text="The kept certificates are removed after this date (6 years after issue).",
    )
    purged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the kept certificates were removed."
    )

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"Account deletion {self.pk} on {self.deleted_at:%Y-%m-%d}"
