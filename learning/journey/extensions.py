"""Claim deadlines, and the extensions institution staff grant one learner.

A learner may claim credit until ``claim_window_days`` days after the day
they submitted the evaluation (in their own time zone), and never after the
path's termination date. An extension (``ClaimExtension``) valid on the day
lets exactly that learner claim after either date. It never bypasses the
compliance pause (an expired disclosure, an overdue review...): see
``learning.compliance.availability.credit_available(extended=True)``.

Granting is for staff of the path's accrediting institution, with a reason,
and is written to the path's Wagtail history (``curbside.claim_extension``).
An extension ends between today and a year from today (``MAX_EXTENSION_DAYS``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import LogActionRegistry, LogFormatter, log

from learning.exceptions import JourneyError
from learning.models import (
    ClaimExtension,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    LearningPathPage,
)

EXTENSION_ACTION = "curbside.claim_extension"
MAX_REASON = 2000
# An extension is a one-off accommodation for one learner, not an open-ended
# right to claim: it ends at most a year after the day it is granted (staff
# may grant another, with its own reason in the path's history). A date
# beyond it is taken for a typing slip (2099 for 2029) and refused.
MAX_EXTENSION_DAYS = 365


class ExtensionError(JourneyError):
    pass


def learner_today(profile: LearnerProfile | None) -> datetime.date:
    """Today where the learner is (the server's day without a profile)."""
    if profile is None:
        return timezone.localdate()
    return timezone.localtime(timezone.now(), profile.zone).date()


def extension_for(enrolment: Enrolment, on: datetime.date) -> ClaimExtension | None:
    """The extension that lets this learner claim on ``on``, if any."""
    return (
        ClaimExtension.objects.filter(enrolment=enrolment, until__gte=on).order_by("-until").first()
    )


@dataclass(frozen=True)
class ClaimWindow:
    """When one learner may claim on one path: ``window_ends`` (the claim
    window, None without one or before the evaluation), the termination date,
    and an extension valid ``today``."""

    today: datetime.date
    window_ends: datetime.date | None
    termination: datetime.date | None
    extension: ClaimExtension | None

    @property
    def extended(self) -> bool:
        return self.extension is not None

    @property
    def deadline(self) -> datetime.date | None:
        """The last day to claim, as the claim page states it."""
        if self.extension is not None:
            return self.extension.until
        dates = [d for d in (self.window_ends, self.termination) if d]
        return min(dates) if dates else None

    @property
    def window_closed(self) -> bool:
        return (
            self.extension is None
            and self.window_ends is not None
            and self.today > self.window_ends
        )

    def closed_message(self, days: int | None) -> str:
        return (
            f"The deadline to claim credit for this activity was {self.window_ends:%-d %B %Y} "
            f"({days} days after you completed the evaluation), so it no longer accepts your "
            "claim. Your records are kept; the provider can grant you an extension."
        )


def claim_window(enrolment: Enrolment, profile: LearnerProfile | None) -> ClaimWindow:
    path: LearningPathPage = enrolment.path
    today = learner_today(profile)
    window_ends = None
    evaluation = EvaluationResponse.objects.filter(enrolment=enrolment).first()
    if path.claim_window_days and evaluation is not None:
        zone = profile.zone if profile is not None else timezone.get_current_timezone()
        submitted = timezone.localtime(evaluation.submitted_at, zone).date()
        window_ends = submitted + datetime.timedelta(days=path.claim_window_days)
    return ClaimWindow(
        today=today,
        window_ends=window_ends,
        termination=path.termination_date,
        extension=extension_for(enrolment, today),
    )


def may_grant(user: User, path: LearningPathPage) -> bool:
    """Staff of the path's accrediting institution (and superusers)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return path.institution is not None and path.institution.staff.filter(pk=user.pk).exists()


def waiting_enrolment(path: LearningPathPage, who: str) -> Enrolment | None:
    """The enrolment of the learner ``who`` (username or e-mail) on ``path``
    who finished the evaluation and has not claimed yet."""
    who = who.strip()
    if not who:
        return None
    waiting = Enrolment.objects.filter(
        path=path, evaluation_response__isnull=False, credit_claim__isnull=True
    ).select_related("user")
    return (
        waiting.filter(user__username__iexact=who).first()
        or waiting.filter(user__email__iexact=who).order_by("pk").first()
    )


def latest_extension_day() -> datetime.date:
    """The last day an extension granted today may run to."""
    return timezone.localdate() + datetime.timedelta(days=MAX_EXTENSION_DAYS)


def until_error(until: datetime.date) -> str:
    """Why an extension cannot end on ``until`` ("" when it can): not in the
    past, and at most a year after today."""
    if until < timezone.localdate():
        return "Choose today or a later day: an extension cannot end in the past."
    latest = latest_extension_day()
    if until > latest:
        return (
            "An extension ends at most a year after today: "
            f"{latest:%-d %B %Y} at the latest. Grant another later if the learner needs it."
        )
    return ""


def _who(user: User) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def grant_extension(
    enrolment: Enrolment, until: datetime.date, reason: str, actor: User
) -> ClaimExtension:
    """Let this learner claim up to and including ``until`` (today at the
    earliest, ``MAX_EXTENSION_DAYS`` ahead at the latest); logged on the path."""
    path = LearningPathPage.objects.get(pk=enrolment.path_id)
    if not may_grant(actor, path):
        raise ExtensionError("Only staff of the path's accrediting institution grant extensions.")
    reason = (reason or "").strip()
    if not reason:
        raise ExtensionError("Give a reason: it is kept in the path's history.")
    if error := until_error(until):
        raise ExtensionError(error)
    if CreditClaim.objects.filter(enrolment=enrolment).exists():
        raise ExtensionError("This learner has already claimed credit for this path.")
    extension = ClaimExtension.objects.create(
        enrolment=enrolment, until=until, reason=reason[:MAX_REASON], granted_by=actor
    )
    log(
        instance=path,
        action=EXTENSION_ACTION,
        user=actor,
        data={
            "extension": extension.pk,
            "learner": enrolment.user.get_username(),
            "until": until.isoformat(),
            "reason": extension.reason,
            "granted_by": _who(actor),
        },
    )
    return extension


class ExtensionFormatter(LogFormatter):
    label = "Claim extension"

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        until = datetime.date.fromisoformat(data["until"])
        return (
            f"{data['granted_by']} let {data['learner']} claim credit until "
            f"{until:%-d %B %Y}. Reason: {data['reason']}"
        )


def register_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action(EXTENSION_ACTION)(ExtensionFormatter)
