"""Which certificates an institution may report to one body, with the values
each row would carry, and what that body has been told so far.

A fixed number of queries whatever the number of certificates: the reported
state, the certificates (with learner, claim and path), and one prefetch each
for licences, board certifications, consents and MOC points.

Names, birth date and identifiers are read from the learner's profile as it
is now (the learner can correct them: learning.reporting.validation sends
them to /me/profile/reporting/); credits, dates and MOC points from the
certificate, which never changes once issued.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from cms.models import Institution
from cms.names import printable
from learning.boards import ConsentScope, UsState, credit_type_label
from learning.models import (
    BoardCertification,
    Certificate,
    CertificateKind,
    CertificateMoc,
    CertificateStatus,
    LearnerProfile,
    LearningPathPage,
    ReportAction,
    ReportBody,
    ReportedCompletion,
    ReportingConsent,
    StateLicence,
)

CME_CERTIFICATION = "AMA PRA Category 1"


def is_board(body: str) -> bool:
    return body != ReportBody.CME


def decimal_text(value: Decimal) -> str:
    """``1.50`` as ``"1.5"``, ``2.00`` as ``"2"``: stored so files can be rewritten identically."""
    return format(value.normalize(), "f")


@dataclass
class Candidate:
    """One certificate that might be reported to the body."""

    certificate: Certificate
    path: LearningPathPage
    profile: LearnerProfile | None
    consented: bool
    values: dict[str, Any]
    moc: list[CertificateMoc] = field(default_factory=list)
    board_certification: BoardCertification | None = None

    @property
    def learner_name(self) -> str:
        return self.certificate.learner_name


@dataclass
class ReportedState:
    """Per certificate, the last action the body was sent, and the values of
    its last ``add`` row (what a ``delete`` must name)."""

    last_action: dict[int, str]
    added_values: dict[int, dict[str, Any]]

    def currently_added(self) -> set[int]:
        return {pk for pk, action in self.last_action.items() if action == ReportAction.ADD}


def reported_state(institution: Institution, body: str) -> ReportedState:
    rows = (
        ReportedCompletion.objects.filter(batch__institution=institution, batch__body=body)
        .order_by("batch__number", "pk")
        .values_list("certificate_id", "action", "data")
    )
    last: dict[int, str] = {}
    added: dict[int, dict[str, Any]] = {}
    for certificate_id, action, data in rows:
        last[certificate_id] = action
        if action == ReportAction.ADD:
            added[certificate_id] = data
    return ReportedState(last, added)


def _certificates(
    institution: Institution, body: str, also: set[int], only: set[int] | None
) -> list[Certificate]:
    query = Certificate.objects.filter(institution=institution)
    if is_board(body):
        query = query.filter(moc__board=body)
    else:
        query = query.filter(kind=CertificateKind.AMA_PRA)
    query = query.filter(Q(status=CertificateStatus.VALID) | Q(pk__in=also))
    if only is not None:
        query = query.filter(pk__in=only)
    profile = "user__learner_profile"
    return list(
        query.distinct()
        .select_related("claim__enrolment", "path", "institution", "user__learner_profile")
        .prefetch_related(
            Prefetch(f"{profile}__licences", queryset=StateLicence.objects.order_by("state")),
            Prefetch(f"{profile}__boards", queryset=BoardCertification.objects.all()),
            Prefetch(f"{profile}__consents", queryset=ReportingConsent.objects.active()),
            Prefetch("moc", queryset=CertificateMoc.objects.order_by("credit_type")),
        )
        .order_by("completion_date", "pk")
    )


# The widest UTC offsets in use (Kiribati +14:00, Baker Island -12:00, with
# a margin): an offset outside them names no place.
_MAX_OFFSET = datetime.timedelta(hours=14)


def _offset_for(
    moment: datetime.datetime, day: datetime.date, wanted: datetime.timedelta
) -> datetime.timedelta | None:
    """A UTC offset, in whole hours, under which `moment` falls on `day`: the
    nearest to `wanted` (the learner's offset now). None if no offset within
    +/-14 hours puts it on that day."""
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    start = datetime.datetime.combine(day, datetime.time()) - utc  # smallest offset
    end = start + datetime.timedelta(days=1)  # the day's end, excluded
    low = max(start, -_MAX_OFFSET)
    high = min(end - datetime.timedelta(seconds=1), _MAX_OFFSET)
    hour = datetime.timedelta(hours=1)
    first = -((-low) // hour) * hour  # whole hours, rounded up
    last = (high // hour) * hour
    if first > last:
        return None
    return min(max(wanted, first), last)


def _completion_time(certificate: Certificate, profile: LearnerProfile | None) -> str:
    """The time of day of the moment the certificate's completion date is
    the date of (the path completed, else the claim; issuance.py), in the
    learner's time zone, with its UTC offset ("21:00:00-07:00"): with the
    completion date it names that one instant (json_report.py). Rows
    reported before this was so hold the claim's time in UTC ("15:30:00").

    The date was worked out in the learner's zone at issuance (a reissue
    keeps it). A learner who has moved zone since can see that moment on
    another day in their zone now; the time is then given with the
    whole-hour offset nearest theirs under which it falls on the printed
    date, so date and time still name the one instant."""
    claim = certificate.claim if certificate.claim_id else None
    moment = (claim.enrolment.completed_at or claim.claimed_at) if claim else certificate.issued_at
    zone = profile.zone if profile is not None else datetime.UTC
    local = timezone.localtime(moment, zone)
    if local.date() != certificate.completion_date:
        now_offset = local.utcoffset() or datetime.timedelta()
        offset = _offset_for(moment, certificate.completion_date, now_offset)
        if offset is not None:
            local = moment.astimezone(datetime.timezone(offset))
    offset_text = local.strftime("%z")  # "-0700"
    return f"{local:%H:%M:%S}{offset_text[:3]}:{offset_text[3:]}"


def _consents(profile: LearnerProfile | None) -> set[tuple[str, str]]:
    if profile is None:
        return set()
    return {(c.scope, c.body) for c in profile.consents.all()}


def _identifiers(profile: LearnerProfile, consents: set[tuple[str, str]]) -> list[dict[str, str]]:
    """NPI first, then every licence in a state the learner consented to, by state."""
    found = [{"domain": "NPI", "value": profile.npi}] if profile.npi else []
    for licence in profile.licences.all():
        if (ConsentScope.STATE, licence.state) in consents:
            found.append({"domain": licence.state, "value": licence.number})
    return found


def _values(
    certificate: Certificate,
    profile: LearnerProfile | None,
    body: str,
    consents: set[tuple[str, str]],
    moc: list[CertificateMoc],
    board: BoardCertification | None,
) -> dict[str, Any]:
    path, institution = certificate.path, certificate.institution
    values: dict[str, Any] = {
        "certificate_number": certificate.number or "",
        "provider_id": institution.accme_provider_id,
        "provider_name": institution.name,
        "activity_id": path.accme_activity_id,
        "activity_title": certificate.activity_title,
        "completion_date": certificate.completion_date.isoformat(),
        "completion_time": _completion_time(certificate, profile),
        # printable: names saved before cms.names refused control, format and
        # unassigned characters are reported without them.
        "first_name": printable(profile.first_name) if profile else "",
        "last_name": printable(profile.last_name) if profile else "",
        "birth_date": profile.birth_date_mmdd if profile else "",
        "credits": decimal_text(certificate.credits),
    }
    if not is_board(body):
        identifiers = _identifiers(profile, consents) if profile else []
        licences = [i for i in identifiers if i["domain"] != "NPI"]
        # The Excel row holds one: the first consented licence by state, else the NPI.
        ordered = licences or identifiers
        first = ordered[0] if ordered else None
        values["identifiers"] = identifiers
        values["licensing_state"] = (
            UsState(first["domain"]).label if first and first["domain"] != "NPI" else ""
        )
        values["licensing_id"] = first["value"] if first else ""
        values["certification"] = CME_CERTIFICATION
        return values
    board_id = board.board_id if board else next((m.board_id for m in moc if m.board_id), "")
    values["board"] = body
    values["board_id"] = board_id
    values["board_credits"] = decimal_text(sum((m.points for m in moc), Decimal(0)))
    values["credit_types"] = [
        {
            "code": m.credit_type,
            "label": credit_type_label(m.credit_type),
            "points": decimal_text(m.points),
        }
        for m in moc
    ]
    return values


def candidates(
    institution: Institution,
    body: str,
    state: ReportedState | None = None,
    only: set[int] | None = None,
) -> list[Candidate]:
    """Every certificate of ``institution`` that is reportable to ``body`` now,
    or was reported to it and is still counted as added there (so that a
    revocation or a reissue can be sent as a ``delete``)."""
    state = state or reported_state(institution, body)
    found = []
    for certificate in _certificates(institution, body, state.currently_added(), only):
        profile = getattr(certificate.user, "learner_profile", None)
        consents = _consents(profile)
        wanted = (ConsentScope.BOARD, body) if is_board(body) else (ConsentScope.PARS, "")
        moc = [m for m in certificate.moc.all() if m.board == body]
        board = (
            next((b for b in profile.boards.all() if b.board == body), None)
            if profile and is_board(body)
            else None
        )
        found.append(
            Candidate(
                certificate=certificate,
                path=certificate.path,
                profile=profile,
                consented=wanted in consents,
                values=_values(certificate, profile, body, consents, moc, board),
                moc=moc,
                board_certification=board,
            )
        )
    return found
