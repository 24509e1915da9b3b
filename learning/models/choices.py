from django.db import models


class LearningFormat(models.TextChoices):
    ENDURING = "enduring", "Enduring material"


class CertificatePolicy(models.TextChoices):
    ON_COMPLETION = "on_completion", "Issued on completion"
    AFTER_APPROVAL = "after_approval", "Issued after institution approval"


class ClaimStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting institution approval"
