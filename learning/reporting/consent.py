"""A learner's consent to report their credit to a body: PARS (CME), a
certifying board (MOC) or a state medical board. Dated and revocable: giving
consent again after a withdrawal is a new record, and the history stays."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.boards import ConsentScope
from learning.models import LearnerProfile, ReportingConsent


def has_consent(profile: LearnerProfile, scope: str, body: str = "") -> bool:
    return (
        ReportingConsent.objects.active().filter(profile=profile, scope=scope, body=body).exists()
    )


def set_consent(
    profile: LearnerProfile,
    scope: str,
    body: str = "",
    *,
    given: bool,
    at: datetime.datetime | None = None,
) -> bool:
    """Give or withdraw one consent; True when that changed anything.
    Idempotent: giving a consent that stands, or withdrawing one that does
    not, records nothing."""
    at = at or timezone.now()
    if scope == ConsentScope.PARS:
        body = ""
    with transaction.atomic():
        current = (
            ReportingConsent.objects.select_for_update()
            .active()
            .filter(profile=profile, scope=scope, body=body)
            .first()
        )
        if given and current is None:
            try:
                with transaction.atomic():
                    ReportingConsent.objects.create(
                        profile=profile, scope=scope, body=body, given_at=at
                    )
            except IntegrityError:
                return False  # given at the same moment by another request
            return True
        if not given and current is not None:
            current.withdrawn_at = max(at, current.given_at)
            current.save(update_fields=["withdrawn_at"])
            return True
    return False


def active_bodies(profile_ids: list[int]) -> dict[int, set[tuple[str, str]]]:
    """Per profile: the (scope, body) pairs consented to now, in one query."""
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    rows = ReportingConsent.objects.active().filter(profile_id__in=profile_ids)
    for profile_id, scope, body in rows.values_list("profile_id", "scope", "body"):
        found[profile_id].add((scope, body))
    return found
