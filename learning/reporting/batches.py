"""Report batches: what changed since the last batch to one body, and
making the next batch.

The body's "currently reported" state of a certificate is the action of its
last row in that body's batches. The next batch adds what is reportable and
not currently added, and deletes what is currently added and has since been
revoked or superseded (a reissue: delete the old, add the new). A consent
withdrawn later stops future reporting but deletes nothing already sent.

A reissue's ``delete`` goes only with the ``add`` of the newest certificate
of its reissue chain (or when that one is already reported, revoked, or no
longer AMA PRA credit): otherwise it is held back (``Preview.held``, with
why), so the body never loses a completion it holds because the replacement
cannot be added yet (no consent, no board ID, a problem to fix).

Rows with a problem are left out; the batch is made with the good rows (the
office reports what it can now and fixes the rest, which the batch page and
the next validation page list). A ``delete`` repeats the values of the row
that added the certificate, so PARS can match it.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, QuerySet

from cms.models import Institution
from learning.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    ReportAction,
    ReportBatch,
    ReportedCompletion,
)

from .eligibility import Candidate, ReportedState, candidates, is_board, reported_state
from .validation import Findings, Problem, check


class BatchRefused(Exception):
    """Why no batch was made, in words for the CME office."""


class RowsChanged(BatchRefused):
    """The rows differ from those the office checked before making the batch."""


@dataclass
class PlannedRow:
    certificate: Certificate
    action: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Replacement:
    """The newest certificate of a reissue chain."""

    pk: int
    status: str
    kind: str
    number: str


@dataclass
class HeldDelete:
    """A reported certificate, since reissued, whose ``delete`` waits for the
    ``add`` of its replacement: what was reported stays until both can go."""

    certificate: Certificate
    replacement: Replacement | None
    reason: str


@dataclass
class Preview:
    institution: Institution
    body: str
    adds: list[PlannedRow] = field(default_factory=list)
    deletes: list[PlannedRow] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    excluded: list[Candidate] = field(default_factory=list)  # rows held back by a problem
    held: list[HeldDelete] = field(default_factory=list)  # reissues' deletes held back

    @property
    def rows(self) -> list[PlannedRow]:
        return self.deletes + self.adds

    @property
    def fingerprint(self) -> str:
        """The rows as the office saw them (each certificate, action and
        value): the page sends it with "Make batch", and create_batch makes
        the batch only if the rows are still these."""
        rows = sorted(
            (row.certificate.pk, str(row.action), json.dumps(row.data, sort_keys=True, default=str))
            for row in self.rows
        )
        return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:32]

    @property
    def problems(self) -> list[Problem]:
        return self.findings.problems

    @property
    def left_out(self) -> list[Candidate]:
        return self.findings.left_out


def newest_replacements(superseded: set[int]) -> dict[int, Replacement]:
    """For each superseded certificate, the newest certificate of its reissue
    chain (several reissues may follow one another between two batches); one
    query per step of the longest chain."""
    newest: dict[int, Replacement] = {}
    frontier = {pk: pk for pk in superseded}  # certificate -> the one it started from
    while frontier:
        rows = Certificate.objects.filter(supersedes_id__in=frontier).values_list(
            "pk", "supersedes_id", "status", "kind", "number"
        )
        following: dict[int, int] = {}
        for pk, previous, status, kind, number in rows:
            origin = frontier[previous]
            newest[origin] = Replacement(pk, status, kind, number or "")
            if status == CertificateStatus.SUPERSEDED:
                following[pk] = origin
        frontier = following
    return newest


def _hold_reason(
    replacement: Replacement | None,
    plan: Preview,
    state: ReportedState,
    by_pk: dict[int, Candidate],
    adding: set[int],
) -> str:
    """Why the ``delete`` of a reissued certificate must wait ("": it goes now)."""
    if replacement is None:
        return "No certificate replaces it: check its audit log."
    if (
        replacement.status == CertificateStatus.REVOKED
        or replacement.pk in adding
        or state.last_action.get(replacement.pk) == ReportAction.ADD
        # A reissue that made it a certificate of participation: no AMA PRA credit
        # (nor MOC) to report any more, so what was reported is withdrawn.
        or replacement.kind != CertificateKind.AMA_PRA
    ):
        return ""
    body, number = plan.body, replacement.number
    target = f"{body} for MOC" if is_board(body) else "PARS"
    candidate = by_pk.get(replacement.pk)
    if candidate is None:
        if is_board(body):
            return (
                f"Its replacement, certificate {number}, carries no {body} MOC points (the "
                f"learner had no {body} ID when it was reissued). What was reported stays with "
                f"{body}; reissue it once the learner has added their {body} ID."
            )
        return f"Its replacement, certificate {number}, cannot be reported by this institution."
    if not candidate.consented:
        return (
            f"The learner has withdrawn their consent to reporting to {target}: what was "
            "reported stays there unchanged. If they consent again, the next batch deletes "
            f"it and adds certificate {number}."
        )
    problems = " ".join(p.message for p in plan.findings.for_certificate(replacement.pk))
    return (
        f"Waiting for its replacement, certificate {number}: {problems} Once that is fixed, "
        "the next batch deletes this one and adds the replacement together."
    )


def preview(institution: Institution, body: str) -> Preview:
    """The rows the next batch to ``body`` would hold, and every problem."""
    state = reported_state(institution, body)
    added = state.currently_added()
    found = candidates(institution, body, state)
    result = Preview(institution, body)
    new = {
        c.certificate.pk
        for c in found
        if c.certificate.status == CertificateStatus.VALID and c.certificate.pk not in added
    }
    result.findings = check(institution, body, found, new_only=new)
    for candidate in found:
        certificate = candidate.certificate
        if certificate.pk in new:
            if certificate.pk not in result.findings.blocked:
                result.adds.append(PlannedRow(certificate, ReportAction.ADD, candidate.values))
            elif candidate.consented:
                result.excluded.append(candidate)
    withdrawn = [
        c.certificate
        for c in found
        if c.certificate.pk in added and c.certificate.status != CertificateStatus.VALID
    ]
    newest = newest_replacements(
        {c.pk for c in withdrawn if c.status == CertificateStatus.SUPERSEDED}
    )
    by_pk = {c.certificate.pk: c for c in found}
    adding = {row.certificate.pk for row in result.adds}
    for certificate in withdrawn:
        replacement = newest.get(certificate.pk)
        reason = ""
        if certificate.status == CertificateStatus.SUPERSEDED:
            reason = _hold_reason(replacement, result, state, by_pk, adding)
        if reason:
            result.held.append(HeldDelete(certificate, replacement, reason))
        else:
            result.deletes.append(
                PlannedRow(certificate, ReportAction.DELETE, state.added_values[certificate.pk])
            )
    return result


def create_batch(
    institution: Institution, body: str, actor: User, checked: str | None = None
) -> ReportBatch:
    """Make the next batch to ``body``, or raise :class:`BatchRefused`.

    One transaction holding a row lock on the institution: two staff members
    making a batch at once get two batches with different rows, never the
    same completion twice, and consecutive numbers.

    ``checked``: the ``Preview.fingerprint`` of the rows the office checked
    (the new-batch page sends it). When given and the rows are no longer
    those (a completion issued, fixed or revoked, a learner's details
    changed, another batch made meanwhile), nothing is made and
    :class:`RowsChanged` says so: nothing goes to PARS unseen."""
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=institution.pk)
        if not locked.accme_provider_id:
            raise BatchRefused(
                f"{locked.name} has no ACCME provider ID: add it to the institution first."
            )
        plan = preview(locked, body)
        if not plan.rows:
            if plan.held and not plan.excluded:
                raise BatchRefused(
                    "Nothing to report now: the reissued certificates listed under "
                    "“Deletes held back” stay reported as they are until their replacements "
                    "can be added."
                )
            if plan.excluded:
                raise BatchRefused(
                    "Nothing can be reported yet: every new completion has a problem to fix "
                    "first (listed below)."
                )
            raise BatchRefused(
                "Nothing to report: every completion is already reported, and nothing "
                "reported has been revoked or reissued since the last batch."
            )
        if checked is not None and checked != plan.fingerprint:
            raise RowsChanged(
                f"The rows changed since this page was opened: the batch would now hold "
                f"{len(plan.rows)} row{'s' if len(plan.rows) != 1 else ''}, listed below. "
                "Nothing was made: check them and make the batch again."
            )
        last = ReportBatch.objects.filter(institution=locked, body=body).aggregate(
            last=Max("number")
        )["last"]
        batch = ReportBatch.objects.create(
            institution=locked,
            body=body,
            number=(last or 0) + 1,
            created_by=actor,
            provider_id=locked.accme_provider_id,
        )
        ReportedCompletion.objects.bulk_create(
            ReportedCompletion(
                batch=batch, certificate=row.certificate, action=row.action, data=row.data
            )
            for row in plan.rows
        )
    return batch


def batch_rows(batch: ReportBatch) -> QuerySet[ReportedCompletion]:
    """The batch's rows in order (the detail page shows them a page at a time)."""
    return batch.rows.order_by("pk")


# Rows fetched per round trip when a file is written (a server-side cursor on
# PostgreSQL): memory stays flat however many rows the batch has.
CHUNK_ROWS = 2000


def stored_rows(batch: ReportBatch) -> Iterator[tuple[str, dict[str, Any]]]:
    """(action, values) of each of the batch's rows in order, as stored: only
    the two columns the files need, never a model instance per row."""
    return batch.rows.order_by("pk").values_list("action", "data").iterator(chunk_size=CHUNK_ROWS)
