"""Bulk issuance: find what still needs a certificate (or its PDF);
learning.certificates.tasks hands each one to a background task. Running it
twice issues nothing twice."""

from typing import Any

from django.db.models import QuerySet

from learning.models import Certificate, CertificateStatus, ClaimStatus, CreditClaim, PdfStatus


def claims_needing_certificates(
    path: Any = None, user: Any = None, include_awaiting: bool = False
) -> QuerySet[CreditClaim]:
    """Claims of ``path`` (and, for staff ``user``, their institutions only)
    with no certificate yet."""
    statuses = [ClaimStatus.APPROVED]
    if include_awaiting:
        statuses.append(ClaimStatus.AWAITING_APPROVAL)
    claims = CreditClaim.objects.filter(status__in=statuses).exclude(certificates__isnull=False)
    if path is not None:
        claims = claims.filter(enrolment__path=path)
    if user is not None and not user.is_superuser:
        claims = claims.filter(enrolment__path__institution__staff=user)
    return claims.select_related("enrolment__path", "enrolment__user__learner_profile").order_by(
        "pk"
    )


def certificates_needing_pdfs(path: Any = None) -> QuerySet[Certificate]:
    certificates = Certificate.objects.filter(status=CertificateStatus.VALID).exclude(
        pdf_status=PdfStatus.READY
    )
    if path is not None:
        certificates = certificates.filter(path=path)
    return certificates.order_by("pk")
