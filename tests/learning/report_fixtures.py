"""Learners ready (or not quite) to be reported to PARS, built directly:
names, birth date, NPI, licences, boards and consents; certificates with
fixed dates and numbers so the files can be compared with golden files."""

import datetime
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from learning.boards import ConsentScope
from learning.models import (
    BoardCertification,
    Certificate,
    CertificateMoc,
    CreditClaim,
    Enrolment,
    ReportingConsent,
    StateLicence,
)
from tests.factories import (
    InstitutionFactory,
    InstitutionStaffFactory,
    LearnerProfileFactory,
    LearningPathPageFactory,
    UserFactory,
)

from .conftest import complete

VALID_NPI = "1234567893"
GIVEN = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def reporting_institution(name="Alderbank CME Office", slug="alderbank", provider="0012345"):
    institution = InstitutionFactory(name=name, slug=slug, accme_provider_id=provider)
    staff = InstitutionStaffFactory(username=f"staff-{slug}")
    institution.staff.add(staff)
    return institution, staff


def reporting_path(institution, title="Recognising sepsis", slug="sepsis", activity="202512345"):
    return LearningPathPageFactory(
        title=title,
        slug=slug,
        institution=institution,
        accme_activity_id=activity,
        max_credits=Decimal("1.5"),
        steps=1,
    )


def learner(
    username,
    first="Maya",
    last="Chen",
    *,
    birth=(4, 9),
    npi=VALID_NPI,
    licences=(("CA", "A123456"),),
    boards=(("ABIM", "123456"),),
    consents=("pars", "state:CA", "board:ABIM"),
    email=None,
):
    user = UserFactory(username=username, email=email or f"{username}@example.com")
    profile = LearnerProfileFactory(
        user=user,
        full_name=f"{first} {last}".strip() or username,
        first_name=first,
        last_name=last,
        birth_month=birth[0] if birth else None,
        birth_day=birth[1] if birth else None,
        npi=npi,
    )
    for state, number in licences:
        StateLicence.objects.create(profile=profile, state=state, number=number)
    for board, board_id in boards:
        BoardCertification.objects.create(profile=profile, board=board, board_id=board_id)
    for consent in consents:
        scope, _, body = consent.partition(":")
        ReportingConsent.objects.create(
            profile=profile, scope=ConsentScope(scope), body=body, given_at=GIVEN
        )
    return user


def certify(user, path, credits="1.25", *, number=None, completed=datetime.date(2026, 3, 14)):
    """Run ``user`` through ``path`` and issue the certificate; fixed dates."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim = complete(user, path, credits=credits)
    certificate = Certificate.objects.get(claim=claim, supersedes__isnull=True)
    claimed = datetime.datetime.combine(completed, datetime.time(15, 30), tzinfo=datetime.UTC)
    CreditClaim.objects.filter(pk=claim.pk).update(claimed_at=claimed)
    Enrolment.objects.filter(pk=claim.enrolment_id).update(completed_at=claimed)
    Certificate.objects.filter(pk=certificate.pk).update(
        completion_date=completed,
        number=number or certificate.number,
        issued_at=claimed + datetime.timedelta(minutes=5),
    )
    certificate.refresh_from_db()
    return certificate


def add_moc(certificate, board="ABIM", credit_type="ABIM:MK", points="1.25", board_id="123456"):
    return CertificateMoc.objects.create(
        certificate=certificate,
        board=board,
        credit_type=credit_type,
        points=Decimal(points),
        board_id=board_id,
        statement="Successful completion of this CME activity enables the participant "
        "to earn MOC points.",
    )


def now():
    return timezone.now()
