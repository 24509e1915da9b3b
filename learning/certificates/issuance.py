"""Issue, approve, revoke and reissue certificates. Transactional and
idempotent; guarded by the database constraints on Certificate."""

import contextlib
import datetime
import logging
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import Error as DatabaseErrors
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cms.models import Institution
from cms.names import printable
from learning.exceptions import JourneyError
from learning.models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    ClaimStatus,
    CreditClaim,
    LearnerProfile,
    PdfStatus,
)

from . import images
from .codes import new_code
from .events import pdf_needed, pdf_ready
from .kinds import kind_for
from .moc import create_moc
from .rendering import paper_for, render_pdf

logger = logging.getLogger(__name__)
MAX_PDF_ATTEMPTS = 3


class CertificateError(JourneyError):
    pass


def profile_of(user: Any) -> LearnerProfile | None:
    """The user's learner profile: the one loaded with the user when it was
    (``select_related("user__learner_profile")``, as the issuing and
    rendering paths do: no query), else read now."""
    if user is None:
        return None
    if isinstance(user, User) and User.learner_profile.is_cached(user):
        return getattr(user, "learner_profile", None)
    return LearnerProfile.objects.filter(user=user).first()


def _completion_date(claim: CreditClaim, profile: LearnerProfile) -> datetime.date:
    completed = claim.enrolment.completed_at or claim.claimed_at
    return timezone.localtime(completed, profile.zone).date()


# What a reissue keeps from the certificate it replaces: the completed
# activity and its accreditation as they were when the learner completed it
# (the accredited provider named is the one that accredited it then, whatever
# the path says since). The learner's side, and the provider's signatory and
# images of the reissue's day, are read again.
KEPT_ON_REISSUE = (
    "institution",
    "path",
    "institution_name",
    "accreditation_statement",
    "credit_designation_statement",
    "activity_title",
    "learning_format",
    "credits",
    "completion_date",
)


def _snapshot(
    claim: CreditClaim, profile: LearnerProfile, institution: Institution | None = None
) -> dict[str, Any]:
    """What a certificate for ``claim`` prints, read now; ``institution``:
    the accredited provider (the path's, unless given)."""
    path = claim.enrolment.path
    institution = institution or path.institution
    return {
        "claim": claim,
        "user": claim.enrolment.user,
        "institution": institution,
        "path": path,
        # Printed as typed, less any invisible or bidi characters kept from
        # before profiles were checked for them (cms.names).
        "learner_name": printable(profile.full_name),
        "learner_credentials": printable(profile.credentials),
        "learner_family_name": printable(profile.last_name),
        "activity_title": path.title,
        "learning_format": path.get_learning_format_display(),
        "institution_name": institution.name,
        "accreditation_statement": institution.accreditation_statement,
        # The maximum the claim was made under (the path's may be lowered
        # later): a certificate never awards more than the maximum it prints.
        "credit_designation_statement": institution.credit_designation_for(claim.max_credits),
        "signatory_name": printable(institution.signatory_name),
        "signatory_title": printable(institution.signatory_title),
        # The logo and signature image too, stored once each (images.py).
        **images.record(institution),
        "credits": claim.credits,
        # What the learner claimed (credits as a physician, or hours), fixed at
        # the claim; older claims take the profession when issued.
        "kind": claim.kind or kind_for(profile),
    }


def _create(fields: dict[str, Any], supersedes: Certificate | None = None) -> Certificate:
    certificate = Certificate.objects.create(
        verification_code=new_code(), supersedes=supersedes, **fields
    )
    certificate.number = f"CS-{certificate.issued_at:%Y}-{certificate.pk:07d}"
    certificate.save(update_fields=["number"])
    return certificate


def issue_certificate(
    claim: CreditClaim, actor: User | None = None, *, queue_pdf: bool = True
) -> tuple[Certificate, bool]:
    """The certificate for an approved claim, issuing it if needed.
    Returns (certificate, created). Safe to call any number of times.
    ``queue_pdf=False``: the caller renders the PDF itself (the issuance
    task), so none is requested once the certificate commits."""
    existing = Certificate.objects.filter(claim=claim, supersedes__isnull=True).first()
    if existing:
        return existing, False
    if claim.status != ClaimStatus.APPROVED:
        raise CertificateError("This claim is awaiting institution approval.")
    profile = profile_of(claim.enrolment.user)
    if profile is None:
        raise CertificateError("The learner has not given a name to print.")
    fields = _snapshot(claim, profile)
    fields["completion_date"] = _completion_date(claim, profile)
    try:
        with transaction.atomic():
            certificate = _create(fields)
            create_moc(certificate, claim, profile)
            CertificateEvent.objects.create(
                certificate=certificate, action=CertificateEvent.Action.ISSUED, actor=actor
            )
    except IntegrityError:
        return Certificate.objects.get(claim=claim, supersedes__isnull=True), False
    if queue_pdf:
        transaction.on_commit(lambda: request_pdf(certificate.pk))
    return certificate, True


def approve_claim(claim: CreditClaim, actor: User, *, queue_pdf: bool = True) -> Certificate:
    """Institution approval, for paths whose certificates wait for it."""
    with transaction.atomic():
        claim = CreditClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.APPROVED:
            claim.status = ClaimStatus.APPROVED
            claim.approved_at = timezone.now()
            claim.approved_by = actor
            claim.save(update_fields=["status", "approved_at", "approved_by"])
        certificate, created = issue_certificate(claim, actor=actor, queue_pdf=queue_pdf)
        if created:
            CertificateEvent.objects.create(
                certificate=certificate, action=CertificateEvent.Action.CLAIM_APPROVED, actor=actor
            )
    return certificate


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("Give a reason: it is kept in the audit log.")
    return reason


def revoke(certificate: Certificate, actor: User | None, reason: str | None) -> Certificate:
    reason = _require_reason(reason)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != CertificateStatus.VALID:
            raise CertificateError(
                f"This certificate is already {certificate.get_status_display().lower()}."
            )
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["status", "revoked_at"])
        CertificateEvent.objects.create(
            certificate=certificate,
            action=CertificateEvent.Action.REVOKED,
            actor=actor,
            reason=reason,
        )
    return certificate


def _reissued_kind(old: Certificate, profile: LearnerProfile) -> str:
    return kind_for(profile) if profile.degree else old.kind


def kind_after_reissue(certificate: Certificate) -> str | None:
    """The kind a reissue of ``certificate`` would have now (None: it cannot be reissued)."""
    profile = LearnerProfile.objects.filter(user=certificate.user_id).first()
    return _reissued_kind(certificate, profile) if profile else None


def reissue(certificate: Certificate, actor: User | None, reason: str | None) -> Certificate:
    """A new certificate from the learner's current profile (e.g. a corrected
    name, a board ID), keeping what the original says about the completed
    activity (``KEPT_ON_REISSUE``: the accredited provider and its
    statements, the title, the completion date and credits); the old one is
    marked superseded and links to the new one. Its MOC points are
    recomputed from the boards the learner chose at claim and their board IDs
    now (``moc.create_moc``).

    The kind follows the same rule as everything else read from the profile:
    recomputed from the learner's current profession (a learner who recorded
    the wrong one is corrected this way), kept when the profession is not
    stated (certificates issued before it was asked stay as they are). A change
    of kind is written into the audit log's reason."""
    reason = _require_reason(reason)
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != CertificateStatus.VALID:
            raise CertificateError("Only a valid certificate can be reissued.")
        profile = LearnerProfile.objects.filter(user=old.user).first()
        if profile is None:
            raise CertificateError(
                "The learner deleted their account: this certificate can be revoked "
                "but not reissued."
            )
        fields = _snapshot(old.claim, profile, institution=old.institution)
        fields.update({name: getattr(old, name) for name in KEPT_ON_REISSUE})
        fields["kind"] = _reissued_kind(old, profile)
        new = _create(fields, supersedes=old)
        # MOC from the claim's choices and the learner's board IDs now.
        create_moc(new, old.claim, profile)
        old.status = CertificateStatus.SUPERSEDED
        old.save(update_fields=["status"])
        if new.kind != old.kind:
            reason = (
                f"{reason} (kind changed from {old.get_kind_display()} to "
                f"{new.get_kind_display()}: the learner's profession is now "
                f"{profile.get_degree_display()})"
            )
        for cert in (old, new):
            CertificateEvent.objects.create(
                certificate=cert,
                action=CertificateEvent.Action.REISSUED,
                actor=actor,
                reason=reason,
            )
    transaction.on_commit(lambda: request_pdf(new.pk))
    return new


def request_pdf(certificate_id: int) -> None:
    """Ask for the certificate's PDF (learning.certificates.tasks renders it).
    Called once the issuing transaction has committed."""
    pdf_needed.send(sender=Certificate, certificate_id=certificate_id)


def _render_lock() -> contextlib.AbstractContextManager[None]:
    """On PostgreSQL the render holds the certificate's row lock, so two
    workers (the issuing task and the render task it queued) never render the
    same certificate at once: the second waits, then finds the PDF ready. On
    SQLite a transaction would hold the whole database's write lock for the
    render, and one process renders at a time anyway: no transaction there."""
    if connection.features.has_select_for_update:
        return transaction.atomic()
    return contextlib.nullcontext()


def pdf_name(certificate: Certificate) -> str:
    """Where the certificate's PDF is stored: one name per certificate."""
    field = Certificate._meta.get_field("pdf")
    return field.generate_filename(certificate, f"{certificate.verification_code}.pdf")


def generate_pdf(certificate_id: int) -> Certificate:
    """Render and store the PDF once; retried up to MAX_PDF_ATTEMPTS times.
    A failure is recorded on the certificate and in its audit log (and logged),
    never dropped: ``issue_certificates`` retries failed ones."""
    with _render_lock():
        # Everything the render and the learner's notification read, in one query.
        certificates = Certificate.objects.select_related(
            "institution", "user__learner_profile", "claim"
        )
        if connection.features.has_select_for_update:
            certificates = certificates.select_for_update(of=("self",))
        certificate = certificates.get(pk=certificate_id)
        if certificate.pdf_status == PdfStatus.READY and certificate.pdf:
            return certificate
        return _render_and_store(certificate)


def _render_and_store(certificate: Certificate) -> Certificate:
    profile = profile_of(certificate.user)
    paper = paper_for(profile.time_zone if profile else "")
    error = ""
    for _ in range(MAX_PDF_ATTEMPTS):
        certificate.pdf_attempts += 1
        try:
            data = render_pdf(certificate, paper=paper)
        except DatabaseErrors:
            # The database, not the render: nothing is recorded against the
            # certificate (a PDF marked failed by an outage would be wrong);
            # the task runs again once the database is back (workers.runner).
            raise
        except Exception as exc:  # any rendering failure is recorded below, not swallowed
            error = f"{type(exc).__name__}: {exc}"
            logger.exception(
                "Certificate %s PDF attempt %s failed", certificate.pk, certificate.pdf_attempts
            )
            continue
        # A render interrupted after the upload (a worker killed before its
        # commit) left a file under this name that no row points to: replace
        # it rather than store the PDF under a second, suffixed name.
        name = pdf_name(certificate)
        certificate.pdf.storage.delete(name)
        certificate.pdf.save(name.rsplit("/", 1)[-1], ContentFile(data), save=False)
        certificate.pdf_status = PdfStatus.READY
        certificate.pdf_error = ""
        # On PostgreSQL this is inside the render lock's transaction, which an
        # error here rolls back anyway: no savepoint of its own. On SQLite it
        # is the transaction.
        with transaction.atomic(savepoint=not connection.features.has_select_for_update):
            certificate.save(update_fields=["pdf", "pdf_status", "pdf_error", "pdf_attempts"])
            CertificateEvent.objects.create(
                certificate=certificate, action=CertificateEvent.Action.PDF_READY
            )
            # The learner's notification, in this transaction (learning.reminders).
            pdf_ready.send(sender=Certificate, certificate=certificate)
        return certificate
    certificate.pdf_status = PdfStatus.FAILED
    certificate.pdf_error = error
    certificate.save(update_fields=["pdf_status", "pdf_error", "pdf_attempts"])
    CertificateEvent.objects.create(
        certificate=certificate, action=CertificateEvent.Action.PDF_FAILED, reason=error
    )
    return certificate
