"""What a learner tells us about themselves, as printed on certificates."""

import zoneinfo

from django.conf import settings
from django.db import models

from learning.validators import validate_npi

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class LearnerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    full_name = models.CharField(
        "full name as printed on certificates",
        max_length=150,
        help_text="Exactly as you want it on your certificates, e.g. 'Maya R. Chen'.",
    )
    credentials = models.CharField(
        max_length=60, help_text="Degrees and qualifications, e.g. MD, DO, MBBS, FRCP."
    )
    specialty = models.CharField(max_length=120, blank=True)
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="Optional: your 10-digit US National Provider Identifier.",
    )
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.printed_name

    @property
    def printed_name(self):
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name
