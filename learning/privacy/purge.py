"""Removing what deletion kept, once retention ends: each kept credit claim
(its certificates, their history, the claim and its enrolment) goes when its
newest certificate is RETENTION_YEARS old, then the tombstone account. What
is kept and until when comes from the account's DeletionPlan."""

import datetime
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from learning.models import AccountDeletion, CertificateEvent, CreditClaim, Enrolment

from .plan import KeptClaim, plan_deletion


@dataclass
class PurgeResult:
    accounts: int = 0
    certificates: int = 0


def purge_expired(today: datetime.date | None = None, dry_run: bool = False) -> PurgeResult:
    """Remove the kept certificates of deleted accounts once 6 years have
    passed since they were issued (a reissued certificate keeps its whole
    chain until the newest is 6 years old), then the tombstone account."""
    today = today or timezone.localdate()
    result = PurgeResult()
    pending = AccountDeletion.objects.filter(user__isnull=False, purged_at__isnull=True)
    for deletion_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            deletion = AccountDeletion.objects.select_for_update().get(pk=deletion_id)
            if deletion.user_id is None:
                continue
            purged = _purge_account(deletion, today, dry_run)
            result.certificates += purged
            if deletion.purged_at is not None:
                result.accounts += 1
            if dry_run:
                transaction.set_rollback(True)
    return result


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
        Enrolment.objects.filter(pk=enrolment_id).delete()
    removed = sum(_remove(kept, files) for kept in plan.expired(today))
    if still_kept := plan.still_kept(today):
        deletion.retain_until = max(kept.retain_until for kept in still_kept)
        deletion.save(update_fields=["retain_until"])
    else:
        Enrolment.objects.filter(user=user).delete()
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
