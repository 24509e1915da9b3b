"""Issued certificates and their audit trail. A certificate snapshots, at
issue time, everything printed on it: later edits of the learner, the path or
the institution never change an issued certificate."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cms.names import printable
from learning.querysets import CertificateQuerySet

from .choices import CertificateKind


class CertificateStatus(models.TextChoices):
    VALID = "valid", "Valid"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded by a reissued certificate"


class PdfStatus(models.TextChoices):
    PENDING = "pending", "Being generated"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed: will be retried"


class CertificateImage(models.Model):
    """An image a certificate prints (its institution's logo or signature),
    as the certificate was issued with it: stored by its content's SHA-256,
    written once and never changed, shared by every certificate that printed
    the same picture (learning.certificates.images)."""

    sha256 = models.CharField(max_length=64, unique=True)
    mime = models.CharField(max_length=20)
    data = models.BinaryField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.mime} {self.sha256[:12]}"


def recorded_image() -> models.ForeignKey:
    """A certificate's image as issued: its CertificateImage by hash."""
    return models.ForeignKey(
        CertificateImage,
        to_field="sha256",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Certificate(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True
    claim = models.ForeignKey(
        "learning.CreditClaim", on_delete=models.PROTECT, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    institution = models.ForeignKey(
        "cms.Institution", on_delete=models.PROTECT, related_name="certificates"
    )
    path = models.ForeignKey(
        "learning.LearningPathPage", on_delete=models.PROTECT, related_name="certificates"
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The certificate this one reissues.",
    )
    number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    verification_code = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )

    kind = models.CharField(
        max_length=20,
        choices=CertificateKind.choices,
        default=CertificateKind.AMA_PRA,
        help_text="Physicians receive the AMA PRA certificate; other learners a certificate "
        "of participation. Fixed when issued, from the learner's profession.",
    )

    # What is printed, as it was when issued.
    learner_name = models.CharField(max_length=150)
    learner_credentials = models.CharField(max_length=60)
    # The learner's family name as given at issue (blank on certificates
    # issued before it was kept): verification by number asks for it, in
    # whatever order the printed name puts it (verification.py).
    learner_family_name = models.CharField(max_length=150, blank=True, default="")
    activity_title = models.CharField(max_length=255)
    learning_format = models.CharField(max_length=60)
    institution_name = models.CharField(max_length=200)
    accreditation_statement = models.TextField()
    credit_designation_statement = models.TextField()
    signatory_name = models.CharField(max_length=160)
    signatory_title = models.CharField(max_length=160)
    # The logo and signature image as issued (None: the institution had none
    # then). Certificates issued before images were recorded have
    # images_recorded False and print the institution's current images.
    logo_image = recorded_image()
    signature_image = recorded_image()
    # (A database default too: a server still running the code before the
    # migration inserts certificates without the column.)
    images_recorded = models.BooleanField(default=True, db_default=True)
    credits = models.DecimalField(max_digits=5, decimal_places=2)
    completion_date = models.DateField(help_text="In the learner's time zone.")
    issued_at = models.DateTimeField(auto_now_add=True)

    pdf = models.FileField(upload_to="certificates/", blank=True)
    pdf_status = models.CharField(
        max_length=20, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_attempts = models.PositiveSmallIntegerField(default=0)
    pdf_error = models.TextField(blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # Issuing twice for one claim gives the same certificate: only a
            # reissue (which points at the certificate it replaces) adds one.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(supersedes__isnull=True),
                name="one_original_certificate_per_claim",
            ),
            models.CheckConstraint(condition=Q(credits__gt=0), name="certificate_credits_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number or 'Certificate'}: {self.learner_name}, {self.activity_title}"

    @property
    def printed_name(self) -> str:
        """As printed and shown on the verification page: never with invisible
        or bidi characters, even on a certificate issued before names were
        checked for them (cms.names)."""
        name, credentials = printable(self.learner_name), printable(self.learner_credentials)
        return f"{name}, {credentials}" if credentials else name


class CertificateEvent(models.Model):
    """Who did what to a certificate, when and why (kept as long as the certificate)."""

    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True

    class Action(models.TextChoices):
        ISSUED = "issued", "Issued"
        REVOKED = "revoked", "Revoked"
        REISSUED = "reissued", "Reissued"
        PDF_FAILED = "pdf_failed", "PDF generation failed"
        PDF_READY = "pdf_ready", "PDF generated"
        CLAIM_APPROVED = "claim_approved", "Claim approved"

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.certificate} at {self.at:%Y-%m-%d %H:%M}"
