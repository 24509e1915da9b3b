from django.db import models


class LearningFormat(models.TextChoices):
    ENDURING = "enduring", "Enduring material"


class CertificatePolicy(models.TextChoices):
    ON_COMPLETION = "on_completion", "Issued on completion"
    AFTER_APPROVAL = "after_approval", "Issued after institution approval"


class ClaimStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting institution approval"


class Degree(models.TextChoices):
    """The learner's profession and degree: physicians receive the AMA PRA
    certificate, everyone else a certificate of participation."""

    MD = "md", "MD (physician)"
    DO = "do", "DO (physician)"
    MBBS = "mbbs", "MBBS, MBChB, BMBS or another international medical degree (physician)"
    NP = "np", "Nurse practitioner (NP)"
    PA = "pa", "Physician assistant or associate (PA)"
    RN = "rn", "Registered nurse (RN)"
    PHARMD = "pharmd", "Pharmacist (PharmD)"
    OTHER = "other", "Other health professional"


PHYSICIAN_DEGREES = frozenset({Degree.MD, Degree.DO, Degree.MBBS})


class CertificateKind(models.TextChoices):
    AMA_PRA = "ama_pra", "AMA PRA Category 1 Credit™ certificate (physicians)"
    PARTICIPATION = "participation", "Certificate of participation"


class SupportKind(models.TextChoices):
    MONETARY = "monetary", "Educational grant (monetary)"
    IN_KIND = "in_kind", "In-kind support"


class PathContributorRole(models.TextChoices):
    """People in control of a path's content other than its guides' authors."""

    PLANNER = "planner", "Planner"
    REVIEWER = "reviewer", "CME reviewer"
