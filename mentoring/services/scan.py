"""The scheduled look at waiting requests: a reminder to the mentor after 3
days, and after 7 the request expires and the mentee is offered their next
suggestion. Run it as often as you like: each request is reminded once and
expires once. ``manage.py send_notifications`` runs it with the other scans
(``notifications.schedule``); ``manage.py mentoring_scan`` runs it alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from .. import matching, notices
from ..models import (
    REMIND_AFTER_DAYS,
    MatchRequest,
    Participation,
    ParticipationStatus,
    RequestStatus,
    Role,
)
from .pool import excluded_for, mentee_profile, mentor_profiles


@dataclass(frozen=True)
class ScanResult:
    reminded: int
    expired: int

    @property
    def written(self) -> int:
        """Notifications written: one per reminder and one per expiry."""
        return self.reminded + self.expired


def _remind(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        request = (
            MatchRequest.objects.select_for_update(of=("self",))
            .filter(pk=pk, status=RequestStatus.PENDING, reminded_at__isnull=True)
            .select_related("programme", "mentee", "mentor")
            .first()
        )
        if request is None:
            return False
        request.reminded_at = now
        request.save(update_fields=["reminded_at"])
        notices.request_reminder(request)
    return True


def next_suggestion(request: MatchRequest, now: datetime) -> int | None:
    """The best mentor left for the mentee (the expired one excluded), if they
    still take part in the programme."""
    programme = request.programme
    still_in = Participation.objects.filter(
        programme=programme,
        user=request.mentee,
        role=Role.MENTEE,
        status=ParticipationStatus.ACTIVE,
    ).exists()
    profile = mentee_profile(request.mentee)
    if not still_in or profile is None:
        return None
    excluded = excluded_for(programme, request.mentee_id) | {request.mentor_id}
    best = matching.suggestions(
        profile, mentor_profiles(programme), limit=1, exclude=excluded, week=now.date()
    )
    return best[0].mentor_id if best else None


def _expire(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        request = (
            MatchRequest.objects.select_for_update(of=("self",))
            .filter(pk=pk, status=RequestStatus.PENDING, expires_at__lte=now)
            .select_related("programme", "mentee", "mentor")
            .first()
        )
        if request is None:
            return False
        request.status = RequestStatus.EXPIRED
        request.responded_at = now
        request.next_suggestion_id = next_suggestion(request, now)
        request.save(update_fields=["status", "responded_at", "next_suggestion"])
        notices.request_expired(request)
    return True


def scan(now: datetime) -> ScanResult:
    """Remind and expire what is due at ``now``."""
    pending = MatchRequest.objects.filter(status=RequestStatus.PENDING)
    due_reminder = pending.filter(
        reminded_at__isnull=True,
        created_at__lte=now - timedelta(days=REMIND_AFTER_DAYS),
        expires_at__gt=now,
    ).values_list("pk", flat=True)
    due_expiry = pending.filter(expires_at__lte=now).values_list("pk", flat=True)
    reminded = sum(_remind(pk, now) for pk in list(due_reminder))
    expired = sum(_expire(pk, now) for pk in list(due_expiry))
    return ScanResult(reminded=reminded, expired=expired)
