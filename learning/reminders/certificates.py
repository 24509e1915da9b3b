"""The "certificate ready" notification: written in the transaction that
marks the certificate's PDF ready (``learning.certificates.events.pdf_ready``,
connected in ``learning.apps``), so it exists exactly when the PDF does, and
is e-mailed later by ``notifications`` (never inside a request)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse

from learning.certificates.issuance import profile_of
from learning.certificates.kinds import is_participation
from learning.models import Certificate, CertificateStatus
from notifications.models import EmailStatus, Notification
from notifications.services import notify

from . import compose
from .kinds import CERTIFICATE_READY

logger = logging.getLogger(__name__)


def dedupe_key(certificate: Certificate) -> str:
    """One notification per certificate: a reissue is a new certificate."""
    return f"certificate-{certificate.pk}"


def certificate_ready(certificate: Certificate) -> Notification | None:
    """Tell the learner their certificate can be downloaded (once). Nothing
    for a certificate no longer valid (revoked, or superseded before its PDF
    was made)."""
    if certificate.status != CertificateStatus.VALID:
        return None
    user = certificate.user
    profile = profile_of(user)  # loaded with the certificate when it was rendered
    zone: datetime.tzinfo = profile.zone if profile else datetime.UTC
    replaced = (
        Certificate.objects.filter(pk=certificate.supersedes_id).only("number", "issued_at").first()
        if certificate.supersedes_id
        else None
    )
    message = compose.certificate_ready(
        (profile.first_name if profile else "") or user.first_name,
        compose.ReadyCertificate(
            title=certificate.activity_title,
            number=certificate.number or "",
            amount=certificate.credits,
            participation=is_participation(certificate.kind),
            completion_date=certificate.completion_date,
            download_url=reverse("certificate_pdf", args=(certificate.pk,)),
            transcript_url=reverse("learner_transcript"),
            replaces_number=(replaced.number or "") if replaced else "",
            replaces_issued=replaced.issued_at if replaced else None,
        ),
        zone,
    )
    return notify(
        user,
        CERTIFICATE_READY.key,
        subject=message.subject,
        text=message.text,
        url=message.url,
        dedupe_key=dedupe_key(certificate),
    )


def on_pdf_ready(sender: Any, certificate: Certificate, **kwargs: Any) -> None:
    """Receiver of ``learning.certificates.events.pdf_ready``. In a savepoint:
    a notification that cannot be written is logged and never costs the
    learner their certificate."""
    try:
        with transaction.atomic():
            certificate_ready(certificate)
    except (OperationalError, InterfaceError):
        # The database is gone, not the notification: the caller's work is
        # lost with it and must be retried (a worker puts its task back).
        raise
    except Exception:
        logger.exception(
            "certificate ready notification failed", extra={"certificate": certificate.pk}
        )


def on_certificate_saved(
    sender: Any, instance: Certificate, update_fields: Any = None, **kwargs: Any
) -> None:
    """Receiver of ``post_save`` for certificates: once a certificate is
    revoked, its "ready to download" e-mail, if not sent yet, is not sent
    (its link would only say the certificate was revoked). A superseded one's
    goes out: the reissue's own notification says what replaced it."""
    if instance.status != CertificateStatus.REVOKED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    Notification.objects.filter(
        user_id=instance.user_id,
        kind=CERTIFICATE_READY.key,
        dedupe_key=dedupe_key(instance),
        email_status=EmailStatus.PENDING,
    ).update(email_status=EmailStatus.SKIPPED, last_error="the certificate was revoked")
