"""The deletion plan of an account, worked out in one place.

``plan_deletion(user)`` says who may delete the account, what we hold about
it, what deletion keeps (issued certificates, with the credit claim and
enrolment each was issued for, for RETENTION_YEARS from issue) and what it
removes. The privacy pages show it, ``deletion.delete_account`` carries it out
(computing it again under the account's lock) and ``purge`` removes the kept
records whose retention has ended: none of them decides on its own.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from cms.models import Mentor
from learning.models import (
    AccountDeletion,
    Certificate,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    ExternalCredit,
    LearnerProfile,
    LicenceCycle,
    StepCompletion,
    TestAttempt,
)

from .optional import email_addresses
from .retention import retain_until


def deletion_refusal(user: User) -> str | None:
    """Why ``user`` cannot delete their account here, or None if they can."""
    if AccountDeletion.objects.filter(user=user).exists():
        return "This account is already deleted."
    if not user.is_active:
        return "This account is not active."
    if user.is_superuser or user.is_staff:
        return (
            "Administrator accounts are not deleted here: another administrator removes "
            "them, so that someone can always manage the site."
        )
    if Mentor.objects.filter(user=user).exists():
        return (
            "You are a Curbside mentor: your published guides and financial disclosures are "
            "public records of accredited education. Ask the editors to close your account; "
            "they will detach your mentor profile and tell you what stays public."
        )
    if user.staff_institutions.exists():
        return (
            "You act for an accredited institution. Ask that institution's administrator or "
            "the Curbside editors to close your account, so its certificates stay managed."
        )
    if user.has_perm("wagtailadmin.access_admin"):
        return (
            "Your account can use the editing admin (for example as a CME reviewer), and "
            "its review decisions are part of the accreditation record. Ask the editors "
            "to close it."
        )
    return None


def confirmation_kind(user: User) -> str:
    """What the learner types to confirm deletion: their password, or their
    username for an account without a usable password."""
    return "password" if user.has_usable_password() else "username"


@dataclass(frozen=True)
class KeptClaim:
    """A credit claim kept for its certificates (the original and any
    reissues), with its enrolment, until 6 years after the newest was issued."""

    claim_id: int
    enrolment_id: int
    certificates: tuple[Certificate, ...]
    retain_until: datetime.date


@dataclass(frozen=True)
class DeletionPlan:
    """What we hold about an account, and what deleting it keeps and removes."""

    refusal: str | None
    confirmation_kind: str
    profile: LearnerProfile | None
    email_addresses: int
    enrolments: int
    step_completions: int
    test_attempts: int
    evaluation_responses: int
    credit_claims: int
    kept: tuple[KeptClaim, ...]
    # For reporting (on the profile) and from elsewhere (on the account):
    # all deleted, the uploaded certificate files too.
    licences: int = 0
    boards: int = 0
    consents: int = 0
    external_credits: int = 0
    external_files: int = 0
    licence_cycles: int = 0

    @property
    def certificates(self) -> list[Certificate]:
        """Every kept certificate, oldest first, each with its ``retain_until``."""
        certificates = [c for kept in self.kept for c in kept.certificates]
        return sorted(certificates, key=lambda c: (c.issued_at, c.pk))

    @property
    def kept_claim_ids(self) -> set[int]:
        return {kept.claim_id for kept in self.kept}

    @property
    def kept_enrolment_ids(self) -> set[int]:
        return {kept.enrolment_id for kept in self.kept}

    @property
    def claims_kept(self) -> int:
        return len(self.kept)

    @property
    def enrolments_removed(self) -> int:
        return self.enrolments - len(self.kept_enrolment_ids)

    @property
    def claims_removed(self) -> int:
        return self.credit_claims - self.claims_kept

    @property
    def retain_until(self) -> datetime.date | None:
        """The last day anything is kept; None when nothing is."""
        return max((kept.retain_until for kept in self.kept), default=None)

    @property
    def removes_user(self) -> bool:
        """With nothing kept the account row itself goes; otherwise it stays
        as an anonymised tombstone that the kept records point at."""
        return not self.kept

    def expired(self, today: datetime.date) -> tuple[KeptClaim, ...]:
        """The kept claims whose retention ended before ``today``."""
        return tuple(kept for kept in self.kept if kept.retain_until < today)

    def still_kept(self, today: datetime.date) -> tuple[KeptClaim, ...]:
        """The kept claims still within retention on ``today``."""
        return tuple(kept for kept in self.kept if kept.retain_until >= today)


def _kept_claims(user: User) -> tuple[KeptClaim, ...]:
    certificates = Certificate.objects.filter(user=user).select_related("claim")
    chains: dict[int, list[Certificate]] = {}
    enrolments: dict[int, int] = {}
    for certificate in certificates.order_by("issued_at", "pk"):
        # The template shows each certificate's own last day.
        certificate.retain_until = retain_until(certificate.issued_at)
        chains.setdefault(certificate.claim_id, []).append(certificate)
        enrolments[certificate.claim_id] = certificate.claim.enrolment_id
    return tuple(
        KeptClaim(
            claim_id=claim_id,
            enrolment_id=enrolments[claim_id],
            certificates=tuple(chain),
            # The newest certificate of the chain sets the claim's last day.
            retain_until=retain_until(max(c.issued_at for c in chain)),
        )
        for claim_id, chain in sorted(chains.items())
    )


def plan_deletion(user: User) -> DeletionPlan:
    """The deletion plan of ``user``'s account as the database holds it now."""
    emails = email_addresses(user)
    profile = LearnerProfile.objects.filter(user=user).first()
    external = ExternalCredit.objects.filter(user=user)
    return DeletionPlan(
        refusal=deletion_refusal(user),
        confirmation_kind=confirmation_kind(user),
        profile=profile,
        email_addresses=emails.count() if emails is not None else 0,
        enrolments=Enrolment.objects.filter(user=user).count(),
        step_completions=StepCompletion.objects.filter(enrolment__user=user).count(),
        test_attempts=TestAttempt.objects.filter(enrolment__user=user).count(),
        evaluation_responses=EvaluationResponse.objects.filter(enrolment__user=user).count(),
        credit_claims=CreditClaim.objects.filter(enrolment__user=user).count(),
        kept=_kept_claims(user),
        licences=profile.licences.count() if profile else 0,
        boards=profile.boards.count() if profile else 0,
        consents=profile.consents.count() if profile else 0,
        external_credits=external.count(),
        external_files=external.exclude(certificate="").count(),
        licence_cycles=LicenceCycle.objects.filter(user=user).count(),
    )
