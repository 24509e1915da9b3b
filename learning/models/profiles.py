"""What a learner tells us about themselves, as printed on certificates."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cms.names import printable
from learning.validators import validate_npi

from .choices import PHYSICIAN_DEGREES, Degree

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
    # As PARS and the boards match learners: the printed name above stays as
    # the learner wants it on certificates.
    first_name = models.CharField(
        "first (given) name",
        max_length=60,
        blank=True,
        help_text="As your licensing and certifying boards have it: used to report your credit.",
    )
    last_name = models.CharField(
        "last (family) name",
        max_length=60,
        blank=True,
        help_text="As your licensing and certifying boards have it.",
    )
    credentials = models.CharField(
        max_length=60, help_text="Degrees and qualifications, e.g. MD, DO, MBBS, FRCP."
    )
    degree = models.CharField(
        "profession and degree",
        max_length=10,
        choices=Degree.choices,
        blank=True,
        help_text="Physicians (MD, DO or an international medical degree) receive AMA PRA "
        "Category 1 Credit™ certificates; other professions a certificate of participation.",
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
    # The free-text board ID asked before boards were a list: kept, never
    # reported, until the learner chooses their board (learning.reporting).
    legacy_board_id = models.CharField(
        "board ID given before boards were listed",
        max_length=40,
        blank=True,
        editable=False,
    )
    birth_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.printed_name

    def clean(self) -> None:
        super().clean()
        if (self.birth_month is None) != (self.birth_day is None):
            raise ValidationError("Give both the month and the day of birth, or neither.")
        if self.birth_month is not None and not 1 <= self.birth_month <= 12:
            raise ValidationError({"birth_month": "Choose a month from 1 to 12."})
        if self.birth_month and self.birth_day:
            days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][self.birth_month - 1]
            if self.birth_day > days:
                raise ValidationError({"birth_day": "That month does not have that many days."})

    @property
    def is_physician(self) -> bool:
        return self.degree in PHYSICIAN_DEGREES

    @property
    def birth_date_mmdd(self) -> str:
        """Month and day of birth as PARS asks for them (MM/DD), or ''."""
        if self.birth_month is None or self.birth_day is None:
            return ""
        return f"{self.birth_month:02d}/{self.birth_day:02d}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The learner's time zone, UTC if it is unknown to this server."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def printed_name(self) -> str:
        name, credentials = printable(self.full_name), printable(self.credentials)
        return f"{name}, {credentials}" if credentials else name
