"""Background work (django-tasks): in-process in the embedded setup, a
database worker at scale.

The top layer of certificates: it imports the services, never the other way
round. The services announce a certificate that needs its PDF through
``events.pdf_needed`` (connected to ``enqueue_pdf`` in learning.apps); bulk
issuance and recovery queue their work from here."""

import datetime
import logging
import math
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth import get_user_model

from django_tasks import task
from django_tasks.base import TaskResult

from learning.models import ClaimStatus, CreditClaim
from workers.runner import interrupted_by_outage

from .issuance import approve_claim, generate_pdf, issue_certificate
from .recovery import STALE_AFTER, missing_work, release_orphaned_tasks

logger = logging.getLogger(__name__)

# Claims per issuance task: a task's own cost (claiming it, recording its
# result) is shared by the chunk. Small selections are spread over several
# tasks (at least SPREAD when there are enough claims) so every worker helps.
ISSUE_CHUNK = 25
SPREAD = 8


class BatchIssuanceError(Exception):
    """Some claims of a chunk were not issued (the others were)."""


@task()
def render_certificate_pdf(certificate_id: int) -> str:
    certificate = generate_pdf(certificate_id)
    return certificate.pdf_status


def _issue_and_render(claim: CreditClaim, actor: Any) -> str:
    """Approve (when the path waits for approval and an actor is given), issue
    and render one certificate. Idempotent: a second run finds the first. The
    PDF is rendered here, so no render task is queued for it (a worker lost
    before the render leaves it to recovery: ``queue_missing``)."""
    if claim.status != ClaimStatus.APPROVED and actor is not None:
        certificate = approve_claim(claim, actor, queue_pdf=False)
    else:
        certificate, _ = issue_certificate(claim, actor=actor, queue_pdf=False)
    return generate_pdf(certificate.pk).pdf_status


def _claims(claim_ids: list[int]) -> dict[int, CreditClaim]:
    claims = CreditClaim.objects.select_related(
        "enrolment__user__learner_profile", "enrolment__path__institution"
    ).filter(pk__in=claim_ids)
    return {claim.pk: claim for claim in claims}


@task()
def issue_certificate_for_claim(claim_id: int, actor_id: int | None = None) -> str:
    """One claim (tasks queued before chunks existed, and recovery's own)."""
    claim = _claims([claim_id]).get(claim_id)
    if claim is None:
        raise CreditClaim.DoesNotExist(f"No credit claim {claim_id}.")
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return _issue_and_render(claim, actor)


@task()
def issue_certificates_for_claims(claim_ids: list[int], actor_id: int | None = None) -> dict:
    """A chunk of claims, each issued and rendered in its own transaction (as
    ``issue_certificate_for_claim`` does one): a claim that fails is logged and
    the others go on; the task then fails naming the claims left without a
    certificate, and running it again (or ``recover_tasks``,
    ``issue_certificates``) issues only those. A lost database stops the
    chunk at once, so the worker puts it back in the queue (workers.runner)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    claims = _claims(claim_ids)
    counts: dict[str, int] = {}
    failed = [claim_id for claim_id in claim_ids if claim_id not in claims]
    for claim_id in claim_ids:
        claim = claims.get(claim_id)
        if claim is None:
            continue
        try:
            status = _issue_and_render(claim, actor)
        except Exception as exc:
            if interrupted_by_outage(exc):
                raise
            logger.exception("Certificate for claim %s not issued", claim_id)
            failed.append(claim_id)
            continue
        counts[status] = counts.get(status, 0) + 1
    if failed:
        raise BatchIssuanceError(
            f"{len(failed)} of {len(claim_ids)} claim(s) not issued: {sorted(failed)}"
        )
    return counts


def enqueue_pdf(sender: Any, certificate_id: int, **kwargs: Any) -> None:
    """Receiver of ``events.pdf_needed``: queue the certificate's render."""
    render_certificate_pdf.enqueue(certificate_id)


def chunks(ids: list[int], size: int = ISSUE_CHUNK, spread: int = SPREAD) -> Iterator[list[int]]:
    """``ids`` in order, in chunks of at most ``size``, and in at least
    ``spread`` chunks when there are that many ids."""
    step = max(1, min(size, math.ceil(len(ids) / spread)))
    for start in range(0, len(ids), step):
        yield ids[start : start + step]


def enqueue_issuance(
    claim_ids: list[int],
    actor: Any = None,
    on_queued: Callable[[int], None] | None = None,
) -> list[TaskResult]:
    """Issuance tasks for the claims, a chunk of claims each (bulk issuance
    from the admin or ``manage.py issue_certificates``). ``on_queued`` is told
    how many claims are queued so far."""
    results, queued = [], 0
    for chunk in chunks(list(claim_ids)):
        results.append(issue_certificates_for_claims.enqueue(chunk, actor.pk if actor else None))
        queued += len(chunk)
        if on_queued is not None:
            on_queued(queued)
    return results


def claims_not_issued(results: list[TaskResult]) -> int:
    """Claims of the FAILED issuance tasks among ``results`` that still have no
    certificate (tasks that ran at once, in-process)."""
    ids = [
        claim_id for result in results if result.status == "FAILED" for claim_id in result.args[0]
    ]
    return CreditClaim.objects.filter(pk__in=ids, certificates__isnull=True).count()


def queue_missing(path: Any = None) -> tuple[int, int]:
    """Queue what is missing: issuance for approved claims without a
    certificate, rendering for certificates without a ready PDF, unless a task
    for them is already waiting. Returns (claims queued, certificates queued)."""
    claim_ids, certificate_ids = missing_work(path=path)
    enqueue_issuance(claim_ids)
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
