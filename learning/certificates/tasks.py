"""Background work (django-tasks): in-process in the embedded setup, a
database worker at scale.

The top layer of certificates: it imports the services, never the other way
round. The services announce a certificate that needs its PDF through
``events.pdf_needed`` (connected to ``enqueue_pdf`` in learning.apps); bulk
issuance and recovery queue their work from here."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model

from django_tasks import task
from django_tasks.base import TaskResult

from learning.models import ClaimStatus, CreditClaim

from .issuance import approve_claim, generate_pdf, issue_certificate
from .recovery import STALE_AFTER, missing_work, release_orphaned_tasks


@task()
def render_certificate_pdf(certificate_id: int) -> str:
    certificate = generate_pdf(certificate_id)
    return certificate.pdf_status


@task()
def issue_certificate_for_claim(claim_id: int, actor_id: int | None = None) -> str:
    """Approve (when the path waits for approval and an actor is given), issue
    and render one certificate. Idempotent: a second run finds the first."""
    claim = CreditClaim.objects.select_related("enrolment__path").get(pk=claim_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    if claim.status != ClaimStatus.APPROVED and actor is not None:
        certificate = approve_claim(claim, actor)
    else:
        certificate, _ = issue_certificate(claim, actor=actor)
    return generate_pdf(certificate.pk).pdf_status


def enqueue_pdf(sender: Any, certificate_id: int, **kwargs: Any) -> None:
    """Receiver of ``events.pdf_needed``: queue the certificate's render."""
    render_certificate_pdf.enqueue(certificate_id)


def enqueue_issuance(claim_ids: list[int], actor: Any = None) -> list[TaskResult]:
    """One issuance task per claim (bulk issuance from the admin or
    ``manage.py issue_certificates``)."""
    return [
        issue_certificate_for_claim.enqueue(claim_id, actor.pk if actor else None)
        for claim_id in claim_ids
    ]


def queue_missing(path: Any = None) -> tuple[int, int]:
    """Queue what is missing: issuance for approved claims without a
    certificate, rendering for certificates without a ready PDF, unless a task
    for them is already waiting. Returns (claims queued, certificates queued)."""
    claim_ids, certificate_ids = missing_work(path=path)
    for claim_id in claim_ids:
        issue_certificate_for_claim.enqueue(claim_id)
    for certificate_id in certificate_ids:
        render_certificate_pdf.enqueue(certificate_id)
    return len(claim_ids), len(certificate_ids)


def recover(
    worker_id: str | None = None,
    stale_after: datetime.timedelta | None = STALE_AFTER,
    path: Any = None,
) -> dict[str, int]:
    """Recovery after a dead worker (learning.certificates.recovery): release
    its orphaned tasks, then queue what is missing. ``manage.py recover_tasks``."""
    released = release_orphaned_tasks(worker_id=worker_id, stale_after=stale_after)
    claims, certificates = queue_missing(path=path)
    return {"released": released, "claims_queued": claims, "pdfs_queued": certificates}
