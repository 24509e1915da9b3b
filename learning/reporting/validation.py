"""What would make PARS (or a board through it) reject a row, found before
the batch is made, each with a plain message and where to fix it.

A row with a problem is left out of the batch, never written with a blank.
A learner without the consent is not a problem to fix but a choice: they
are listed (so the office can ask them) and never written to a file.

Fix links: a path's problems go to its editor, the institution's to its
snippet editor; the learner's own details go to the "ask the learner" action
(staff never edit a learner's identity: the learner does, at
/me/profile/reporting/). A certificate's credits are never sent to its
reissue screen (a reissue keeps the credits, so it cannot fix them): credits
above a maximum the path has lowered since the claim go to the path's editor,
other credit problems to the certificate's revoke screen, with the message
saying a reissue will not help. MOC points still go to the reissue screen
(a reissue recomputes them from the path's registrations).
"""

import calendar
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.models import Institution
from learning.boards import rules_for
from learning.rules import in_quarters
from learning.validators import validate_npi

from .eligibility import Candidate, is_board

# The Excel template has two credit type columns per board row.
MAX_CREDIT_TYPES = 2

LEARNER_FIELDS = {
    "consent",
    "first_name",
    "last_name",
    "birth_date",
    "npi",
    "identifier",
    "board_id",
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    fix_url: str
    fix_label: str
    learner: str = ""  # the learner's printed name, for learner and certificate problems
    certificate_id: int | None = None
    path_title: str = ""

    @property
    def asks_learner(self) -> bool:
        """The fix is the learner's: the link is a POST that emails them."""
        return self.field in LEARNER_FIELDS


@dataclass
class Findings:
    problems: list[Problem] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # certificates that cannot be reported
    left_out: list[Candidate] = field(default_factory=list)  # no consent: never in a file

    def for_certificate(self, certificate_id: int) -> list[Problem]:
        return [p for p in self.problems if p.certificate_id == certificate_id]


def _valid_birth_date(month: int | None, day: int | None) -> bool:
    if month is None or day is None or not 1 <= month <= 12:
        return False
    return 1 <= day <= calendar.monthrange(2000, month)[1]  # a leap year: 02/29 exists


def _npi_error(npi: str) -> str:
    try:
        validate_npi(npi)
    except ValidationError as error:
        return error.messages[0]
    return ""


def learner_problems(candidate: Candidate, body: str) -> list[tuple[str, str]]:
    """(field, message) for what the learner must fix before this row can be sent."""
    profile, values = candidate.profile, candidate.values
    found: list[tuple[str, str]] = []
    if not values["first_name"]:
        found.append(("first_name", "First name missing: PARS matches learners by name."))
    if not values["last_name"]:
        found.append(("last_name", "Last name missing: PARS matches learners by name."))
    month = profile.birth_month if profile else None
    day = profile.birth_day if profile else None
    if month is None or day is None:
        found.append(("birth_date", "Birth month and day missing: PARS asks for both."))
    elif not _valid_birth_date(month, day):
        found.append(("birth_date", f"Birth date {month:02d}/{day:02d} is not a real date."))
    if not is_board(body):
        npi = profile.npi if profile else ""
        error = _npi_error(npi) if npi else ""
        if error:
            found.append(("npi", f"NPI {npi}: {error}"))
        if not values["identifiers"]:
            found.append(
                (
                    "identifier",
                    "No NPI and no state licence the learner agreed to report to: "
                    "a state board cannot match this completion.",
                )
            )
        return found
    rules = rules_for(body)
    board_id = values["board_id"]
    if not board_id:
        found.append(("board_id", f"{body} ID missing."))
    elif not rules.valid_id(board_id):
        found.append(("board_id", f"{body} ID {board_id} is not {rules.id_hint}."))
    return found


# A credit problem's fix link, by what can fix it.
EDIT_PATH = "Edit the path"
REVOKE = "Revoke the certificate"
REISSUE = "Reissue the certificate"
NO_REISSUE = "A reissue keeps the credits, so it cannot fix this."


def _credit_problems(candidate: Candidate, body: str) -> list[tuple[str, str, str]]:
    """(message, fix url, fix label) for each credit problem of the row."""
    certificate, path = candidate.certificate, candidate.path
    edit_path = reverse("wagtailadmin_pages:edit", args=[path.pk])
    revoke = reverse("learning_revoke_certificate", args=[certificate.pk])
    # A reissue recomputes MOC points from the path's registrations (unlike credits).
    reissue = reverse("learning_reissue_certificate", args=[certificate.pk])
    found = []
    if not in_quarters(certificate.credits):
        found.append(
            (
                f"{certificate.credits} credits: PARS takes quarter credits (0.25, 0.5...). "
                f"{NO_REISSUE} Report it in PARS by hand, or revoke the certificate if its "
                "credits are wrong.",
                revoke,
                REVOKE,
            )
        )
    if certificate.credits > path.max_credits:
        claim = certificate.claim if certificate.claim_id else None
        if claim is not None and certificate.credits <= claim.max_credits:
            found.append(
                (
                    f"{certificate.credits} credits, above the path's maximum of "
                    f"{path.max_credits}: it was {claim.max_credits} when the learner claimed. "
                    f"{NO_REISSUE} Restore the path's maximum if it was lowered by mistake; "
                    "otherwise report this completion in PARS by hand.",
                    edit_path,
                    EDIT_PATH,
                )
            )
        else:
            found.append(
                (
                    f"{certificate.credits} credits, above the path's maximum of "
                    f"{path.max_credits}. {NO_REISSUE} Revoke the certificate if its credits "
                    "are wrong.",
                    revoke,
                    REVOKE,
                )
            )
    if is_board(body):
        for m in candidate.moc:
            if not in_quarters(m.points):
                found.append(
                    (f"{m.points} MOC points: PARS takes quarter points.", reissue, REISSUE)
                )
        if len(candidate.moc) > MAX_CREDIT_TYPES:
            found.append(
                (
                    f"{len(candidate.moc)} {body} credit types: a row holds at most "
                    f"{MAX_CREDIT_TYPES}. Report this completion in PARS by hand.",
                    reissue,
                    REISSUE,
                )
            )
    return found


def check(
    institution: Institution, body: str, candidates: list[Candidate], *, new_only: set[int]
) -> Findings:
    """The problems of the rows that would be added (``new_only``: certificates
    not yet reported to ``body``), and who is left out for lack of consent.
    ``delete`` rows are not checked: they repeat what was accepted before."""
    findings = Findings()
    if not institution.accme_provider_id:
        findings.problems.append(
            Problem(
                "provider_id",
                f"{institution.name} has no ACCME provider ID: nothing can be reported.",
                reverse("wagtailsnippets_cms_institution:edit", args=[institution.pk]),
                "Edit the institution",
            )
        )
    paths_seen: set[int] = set()
    for candidate in candidates:
        certificate = candidate.certificate
        if certificate.pk not in new_only:
            continue
        if not candidate.consented:
            findings.left_out.append(candidate)
            findings.blocked.add(certificate.pk)
            continue
        path = candidate.path
        if not path.accme_activity_id:
            findings.blocked.add(certificate.pk)
            if path.pk not in paths_seen:
                paths_seen.add(path.pk)
                findings.problems.append(
                    Problem(
                        "activity_id",
                        f"“{path.title}” has no ACCME activity ID: its completions cannot be "
                        "reported.",
                        reverse("wagtailadmin_pages:edit", args=[path.pk]),
                        "Edit the path",
                        path_title=path.title,
                    )
                )
        ask = reverse("learning_report_ask", args=[certificate.pk])
        for name, message in learner_problems(candidate, body):
            findings.problems.append(
                Problem(
                    name, message, ask, "Ask the learner", candidate.learner_name, certificate.pk
                )
            )
            findings.blocked.add(certificate.pk)
        for message, fix_url, fix_label in _credit_problems(candidate, body):
            findings.problems.append(
                Problem(
                    "credits",
                    message,
                    fix_url,
                    fix_label,
                    candidate.learner_name,
                    certificate.pk,
                    path.title,
                )
            )
            findings.blocked.add(certificate.pk)
    if not institution.accme_provider_id:
        findings.blocked.update(new_only)
    return findings


def ask_messages(candidate: Candidate, body: str) -> list[str]:
    """What the learner is asked to fix for one body, in plain words."""
    found = [message for _, message in learner_problems(candidate, body)]
    if not candidate.consented:
        found.insert(0, consent_message(body))
    return found


def consent_message(body: str) -> str:
    if is_board(body):
        return f"You have not agreed to have your completions reported to {body} for MOC."
    return "You have not agreed to have your CME credit reported to ACCME's PARS."
