"""Removing what deletion kept, once retention ends: each kept credit claim
(its certificates, their history, the claim and its enrolment) goes when its
newest certificate is RETENTION_YEARS old, then the tombstone account. What
is kept and until when comes from the account's DeletionPlan."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from learning.models import AccountDeletion, CertificateEvent, CreditClaim, Enrolment

from .kept import remove_with_certificates
from .plan import KeptClaim, plan_deletion

logger = logging.getLogger(__name__)


@dataclass
class PurgeResult:
    accounts: int = 0
    certificates: int = 0
    # AccountDeletion ids whose purge failed (logged; the others went on).
    failed: list[int] = field(default_factory=list)


def purge_expired(today: datetime.date | None = None, dry_run: bool = False) -> PurgeResult:
    """Remove the kept certificates of deleted accounts once 6 years have
    passed since they were issued (a reissued certificate keeps its whole
    chain until the newest is 6 years old), then the tombstone account."""
    today = today or timezone.localdate()
    result = PurgeResult()
    pending = AccountDeletion.objects.filter(user__isnull=False, purged_at__isnull=True)
    for deletion_id in pending.values_list("pk", flat=True):
        # One account's failure (a record the purge does not know how to
        # remove) is logged and leaves that account as it was; the others go on.
        try:
            purged, whole = _purge_one(deletion_id, today, dry_run)
        except Exception:
            logger.exception("Purging deleted account record %s failed", deletion_id)
            result.failed.append(deletion_id)
            continue
        result.certificates += purged
        result.accounts += whole
    return result


def _purge_one(deletion_id: int, today: datetime.date, dry_run: bool) -> tuple[int, int]:
    """(certificates removed, 1 if the account went too) in one transaction."""
    with transaction.atomic():
        deletion = AccountDeletion.objects.select_for_update().get(pk=deletion_id)
        if deletion.user_id is None:
            return 0, 0
        purged = _purge_account(deletion, today, dry_run)
        whole = int(deletion.purged_at is not None)
        if dry_run:
            transaction.set_rollback(True)
    return purged, whole


def _purge_account(deletion: AccountDeletion, today: datetime.date, dry_run: bool) -> int:
    user = deletion.user
    assert user is not None  # purge_expired passes only deletions with a tombstone
    plan = plan_deletion(user)
    files: list[tuple[Storage, str]] = []
    # A claim with no certificate is never kept (deletion removed it already).
    unkept = CreditClaim.objects.filter(enrolment__user=user).exclude(pk__in=plan.kept_claim_ids)
    for claim in unkept.order_by("pk"):
        enrolment_id = claim.enrolment_id
        claim.delete()
        remove_with_certificates([], [enrolment_id])
        Enrolment.objects.filter(pk=enrolment_id).delete()
    removed = sum(_remove(kept, files) for kept in plan.expired(today))
    if still_kept := plan.still_kept(today):
        deletion.retain_until = max(kept.retain_until for kept in still_kept)
        deletion.save(update_fields=["retain_until"])
    else:
        remaining = list(Enrolment.objects.filter(user=user).values_list("pk", flat=True))
        remove_with_certificates([], remaining)
        Enrolment.objects.filter(pk__in=remaining).delete()
        user.delete()
        deletion.user = None
        deletion.purged_at = timezone.now()
        deletion.save(update_fields=["user", "purged_at"])
    if not dry_run:
        transaction.on_commit(lambda: _delete_files(files))
    return removed


def _remove(kept: KeptClaim, files: list[tuple[Storage, str]]) -> int:
    """Remove one kept claim: its certificates, their history, the claim and
    its enrolment. Returns how many certificates went; notes their PDFs in
    ``files`` for removal after the commit."""
    # Newest first: a reissue points at (PROTECTs) the certificate it replaced.
    chain = sorted(kept.certificates, key=lambda c: (c.issued_at, c.pk), reverse=True)
    CertificateEvent.objects.filter(certificate__in=chain).delete()
    remove_with_certificates([c.pk for c in chain], [kept.enrolment_id])
    for certificate in chain:
        if certificate.pdf:
            files.append((certificate.pdf.storage, certificate.pdf.name))
        certificate.delete()
    CreditClaim.objects.filter(pk=kept.claim_id).delete()
    Enrolment.objects.filter(pk=kept.enrolment_id).delete()
    return len(chain)


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)
