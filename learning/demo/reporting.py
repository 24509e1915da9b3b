"""Demo data for credit reporting (docs/credit-reporting.md): the paths'
ACCME activity IDs, outcomes and MOC registrations, and learners who show
every case a CME office meets when it reports to PARS."""

import decimal
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model

from cms.demo.common import months_ago
from learning.boards import ExternalCreditType
from learning.certificates.issuance import reissue, revoke
from learning.models import (
    BoardCertification,
    Certificate,
    ExternalCredit,
    LearnerProfile,
    LearningPathPage,
    LicenceCycle,
    PathMocRegistration,
    ReportBody,
    StateLicence,
)
from learning.reporting.batches import create_batch
from learning.reporting.consent import set_consent

Say = Callable[[str], object]

OUTCOMES = {
    "competence": "measures_competence",
    "performance": "measures_performance",
    "patient_health": "measures_patient_health",
    "community_health": "measures_community_health",
}


def activity_fields(path: LearningPathPage, item: dict[str, Any]) -> None:
    path.accme_activity_id = item.get("accme_activity_id", "")
    path.claim_window_days = item.get("claim_window_days")
    measured = set(item.get("outcomes_measured", ["competence"]))
    for name, field in OUTCOMES.items():
        setattr(path, field, name in measured)


def moc_registrations(item: dict[str, Any]) -> list[PathMocRegistration]:
    return [
        PathMocRegistration(
            board=entry["board"],
            credit_type=entry["credit_type"],
            points=decimal.Decimal(str(entry["points"])),
            sort_order=order,
        )
        for order, entry in enumerate(item.get("moc", []))
    ]


# --- Learners who show what a CME office meets when it reports to PARS ------

# The NPIs are made up but pass the check digit; the licence and board IDs are
# of the right form and belong to nobody.
DOCTOR_IDENTITY: dict[str, Any] = {
    "first_name": "Maya",
    "last_name": "Chen",
    "birth": (4, 9),
    "npi": "1234567893",
    "licences": [("IL", "036-118842")],
    "boards": [("ABIM", "104283")],
    "consents": [("pars", ""), ("state", "IL"), ("board", "ABIM")],
}

LEARNERS: list[dict[str, Any]] = [
    {
        # An international medical graduate in her first US job: reported to
        # PARS, then her certificate reissued when her legal name changed.
        "username": "amara.okafor",
        "full_name": "Amara N. Okafor",
        "credentials": "MBBS",
        "degree": "mbbs",
        "specialty": "Hospital medicine",
        "time_zone": "America/Chicago",
        "first_name": "Amara",
        "last_name": "Okafor",
        "birth": (11, 23),
        "npi": "1987654328",
        "licences": [("TX", "R4417")],
        "boards": [],
        "consents": [("pars", ""), ("state", "TX")],
        "after_batch": "reissue",
    },
    {
        # Reported to PARS, then revoked: her claim belonged to another account.
        "username": "hannah.weiss",
        "full_name": "Hannah Weiss",
        "credentials": "MD",
        "degree": "md",
        "specialty": "Emergency medicine",
        "time_zone": "America/New_York",
        "first_name": "Hannah",
        "last_name": "Weiss",
        "birth": (2, 17),
        "npi": "1452369873",
        "licences": [("NY", "289311")],
        "boards": [],
        "consents": [("pars", ""), ("state", "NY")],
        "after_batch": "revoke",
    },
    {
        # A rural family physician who has not consented: listed on the
        # validation page, never written into a file.
        "username": "luis.ferreira",
        "full_name": "Luis Ferreira",
        "credentials": "DO",
        "degree": "do",
        "specialty": "Family medicine",
        "time_zone": "America/Denver",
        "first_name": "Luis",
        "last_name": "Ferreira",
        "birth": (7, 2),
        "npi": "1678901236",
        "licences": [("NM", "DO2291")],
        "boards": [],
        "consents": [],
    },
]

PROFILE_FIELDS = ("full_name", "credentials", "degree", "specialty", "time_zone")
REISSUE_REASON = "The learner's legal name changed (marriage certificate seen by the CME office)."
REVOKE_REASON = (
    "Claimed on a duplicate account: the credit was already awarded on the learner's own account."
)


def give_identity(profile: LearnerProfile, data: dict[str, Any]) -> None:
    """Names, birth date, NPI, licences, boards and consents for reporting."""
    profile.first_name, profile.last_name = data["first_name"], data["last_name"]
    profile.birth_month, profile.birth_day = data["birth"]
    profile.npi = data["npi"]
    profile.save()
    for state, number in data["licences"]:
        StateLicence.objects.get_or_create(
            profile=profile, state=state, defaults={"number": number}
        )
    for board, board_id in data["boards"]:
        BoardCertification.objects.get_or_create(
            profile=profile, board=board, defaults={"board_id": board_id}
        )
    for scope, body in data["consents"]:
        set_consent(profile, scope, body, given=True)


def give_outside_credit(user: Any) -> None:
    """Credit the doctor earned elsewhere, and the cycle of her Illinois
    licence (150 hours every 3 years), shown on her transcript."""
    if ExternalCredit.objects.filter(user=user).exists():
        return
    ExternalCredit.objects.create(
        user=user,
        provider="Great Lakes Society of Hospital Medicine",
        activity="Hospital Medicine Update: sepsis, delirium and safe discharge",
        completed_on=months_ago(3),
        credit_type=ExternalCreditType.AMA_1,
        amount=decimal.Decimal("6.5"),
    )
    ExternalCredit.objects.create(
        user=user,
        provider="Lakeshore University Hospital, Department of Medicine",
        activity="Teaching residents on the wards (self-claimed)",
        completed_on=months_ago(5),
        credit_type=ExternalCreditType.AMA_2,
        amount=decimal.Decimal("4"),
    )
    LicenceCycle.objects.create(
        user=user,
        name="Illinois physician licence",
        credits_required=decimal.Decimal("150"),
        years=3,
        starts_on=months_ago(8).replace(day=1),
        counts="all",
    )


def seed_learners(path: LearningPathPage, run_through: Callable[..., None], stdout: Say) -> None:
    """The three learners above complete ``path``; a first CME batch reports
    them; then one certificate is reissued and one revoked, so the next batch
    waiting on the validation page holds a delete and an add for the reissue
    and a delete for the revocation."""
    users = get_user_model()
    if users.objects.filter(username=LEARNERS[0]["username"]).exists():
        return
    staff = users.objects.get(username="staff")
    after: list[tuple[str, Any]] = []
    for data in LEARNERS:
        user = users.objects.create_user(
            data["username"], email=f"{data['username']}@curbside.example", password=None
        )
        profile = LearnerProfile.objects.create(
            user=user,
            **{k: data[k] for k in PROFILE_FIELDS},
        )
        give_identity(profile, data)
        run_through(user, path)
        if data.get("after_batch"):
            after.append((data["after_batch"], user))
    institution = path.institution
    assert institution is not None
    batch = create_batch(institution, ReportBody.CME, staff)
    stdout(f"  report batch {batch}: {batch.rows.count()} completions")
    for action, user in after:
        certificate = Certificate.objects.get(user=user, path=path, status="valid")
        if action == "reissue":
            profile = user.learner_profile
            profile.full_name, profile.last_name = "Amara N. Okafor-Bello", "Okafor-Bello"
            profile.save()
            reissue(certificate, staff, REISSUE_REASON)
        else:
            revoke(certificate, staff, REVOKE_REASON)
    stdout("  learners for reporting: one reissued, one revoked, one without consent")
