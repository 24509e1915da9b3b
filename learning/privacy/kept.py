"""What deletion keeps, with the person taken out of it, and what the purge
removes with a kept certificate.

Deletion keeps issued certificates with their claim and enrolment (plan.py).
Three other kinds of record hang from those with PROTECT foreign keys, and
each holds something about the learner:

* ``ClaimExtension`` (on an enrolment): staff's reason for letting the
  learner claim late ("was on sick leave"), also copied into the path's
  history (a ``PageLogEntry``) with the learner's username;
* ``CertificateMoc`` (on a certificate): the learner's board ID when issued;
* ``ReportedCompletion`` (on a certificate): the row as sent to PARS, with
  the NPI, state licence numbers, birth month and day and board ID.

At deletion, an extension of an enrolment that goes is deleted; one of a
kept enrolment stays (it is why a late claim was accepted) with its reason
replaced; the history entries lose the username and the reason; the board
ID and the reported identifiers are blanked. What was reported (certificate,
activity, date, credits, the name as printed) stays. At the purge, all three
go with the certificate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User

from wagtail.models import PageLogEntry

from learning.journey.extensions import EXTENSION_ACTION
from learning.models import CertificateMoc, ClaimExtension, ReportedCompletion

REMOVED_REASON = "Removed when the learner deleted their account."
REMOVED_LEARNER = "a learner who deleted their account"
# The values of a reported row that identify the person beyond the name
# printed on the certificate (learning.reporting.eligibility._values).
IDENTIFYING = ("birth_date", "licensing_state", "licensing_id", "board_id")


def forget_extensions(user: User, kept_enrolment_ids: Iterable[int]) -> None:
    """Delete the extensions of enrolments that go, keep those of kept ones
    without their reason, and take the learner out of the path's history."""
    kept = set(kept_enrolment_ids)
    extensions = ClaimExtension.objects.filter(enrolment__user=user)
    ids = list(extensions.values_list("pk", flat=True))
    if not ids:
        return
    _scrub_history(ids)
    extensions.exclude(enrolment_id__in=kept).delete()
    extensions.filter(enrolment_id__in=kept).update(reason=REMOVED_REASON)


def _scrub_history(extension_ids: list[int]) -> None:
    entries = PageLogEntry.objects.filter(
        action=EXTENSION_ACTION, data__extension__in=extension_ids
    )
    for entry in entries:
        data: dict[str, Any] = dict(entry.data or {})
        data.update(learner=REMOVED_LEARNER, reason=REMOVED_REASON)
        PageLogEntry.objects.filter(pk=entry.pk).update(data=data)


def blank_identifiers(user: User) -> None:
    """The board ID on MOC points and the identifiers of reported rows."""
    CertificateMoc.objects.filter(certificate__user=user).exclude(board_id="").update(board_id="")
    for row in ReportedCompletion.objects.filter(certificate__user=user):
        data = dict(row.data)
        for key in IDENTIFYING:
            if key in data:
                data[key] = ""
        if "identifiers" in data:
            data["identifiers"] = []
        if data != row.data:
            ReportedCompletion.objects.filter(pk=row.pk).update(data=data)


def remove_with_certificates(certificate_ids: list[int], enrolment_ids: list[int]) -> None:
    """At the purge: what hangs from certificates and enrolments that go."""
    CertificateMoc.objects.filter(certificate_id__in=certificate_ids).delete()
    ReportedCompletion.objects.filter(certificate_id__in=certificate_ids).delete()
    ClaimExtension.objects.filter(enrolment_id__in=enrolment_ids).delete()
