"""The scheduled scans of the learning reminders (registered with
``notifications.schedule``; ``manage.py send_notifications`` runs them).

Each takes ``now``, is idempotent (every notification has a dedupe key) and
reads and writes in a fixed number of queries per chunk of learners, whatever
the chunk's size. The rules are in docs/notifications.md ("Learning reminders").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import (
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone

from learning.journey.activity import with_last_activity
from learning.journey.remaining import remaining_for, with_remaining
from learning.models import (
    ClaimExtension,
    Enrolment,
    EvaluationResponse,
    PathStep,
    StepCompletion,
)
from learning.querysets import EnrolmentQuerySet
from notifications.bulk import Draft, notify_many
from notifications.models import Notification, NotificationSetting

from . import compose
from .kinds import CREDIT_ENDING, INACTIVITY

CHUNK = 200
QUIET_FOR = datetime.timedelta(days=7)
CREDIT_NOTICE_DAYS = 30
QUIET_KEY = "quiet-"  # + the scan's date (UTC): one reminder per learner per day at most


def with_next_step(enrolments: EnrolmentQuerySet) -> EnrolmentQuerySet:
    """Annotate ``next_step_title``: the first step of the path, in order,
    that the learner has not completed (None when every step is done)."""
    undone = PathStep.objects.filter(page=OuterRef("path_id")).filter(
        ~Exists(
            StepCompletion.objects.filter(
                enrolment=OuterRef(OuterRef("pk")), guide=OuterRef("guide_id")
            )
        )
    )
    return enrolments.annotate(
        next_step_title=Subquery(undone.order_by("sort_order", "pk").values("guide__title")[:1])
    )


def open_enrolments(kind_key: str) -> EnrolmentQuerySet:
    """Enrolments not completed (no credit claim yet), on a live path, of an
    active learner who has not turned ``kind_key`` off."""
    turned_off = NotificationSetting.objects.filter(
        user=OuterRef("user_id"), kind=kind_key, enabled=False
    )
    return Enrolment.objects.filter(
        completed_at__isnull=True, path__live=True, user__is_active=True
    ).filter(~Exists(turned_off))


def _for_message(enrolments: EnrolmentQuerySet) -> EnrolmentQuerySet:
    """What a message says about each enrolment, in the same query."""
    return with_next_step(with_remaining(enrolments.with_progress())).select_related(
        "user__learner_profile", "path"
    )


def _zone(user: Any) -> datetime.tzinfo:
    try:
        return user.learner_profile.zone
    except Exception:  # no profile: the learner never gave a time zone
        return datetime.UTC


def _first_name(user: Any) -> str:
    try:
        name = user.learner_profile.first_name
    except Exception:
        name = ""
    return str(name or user.first_name or "")


def _continue_url(enrolment: Enrolment) -> str:
    return str(enrolment.path.route_url("continue"))


def _quiet_key(day: datetime.date) -> str:
    return f"{QUIET_KEY}{day.isoformat()}"


def quiet_enrolments(now: datetime.datetime) -> EnrolmentQuerySet:
    """Enrolments the learner has left for 7 days or more, on a live path
    still accredited, of learners with no inactivity reminder in the last 7
    days (by the scans' UTC dates)."""
    today = now.astimezone(datetime.UTC).date()
    reminded = Notification.objects.filter(
        user=OuterRef("user_id"),
        kind=INACTIVITY.key,
        dedupe_key__gt=_quiet_key(today - datetime.timedelta(days=7)),
    )
    return (
        # Enrolled a week ago at least (the last activity is never earlier):
        # only those enrolments need their records looked at.
        with_last_activity(open_enrolments(INACTIVITY.key).filter(enrolled_at__lte=now - QUIET_FOR))
        .filter(Q(path__termination_date__isnull=True) | Q(path__termination_date__gte=today))
        .filter(Q(last_activity__lte=now - QUIET_FOR))  # an annotation: Q for mypy
        .filter(~Exists(reminded))
    )


def _user_chunks(enrolments: EnrolmentQuerySet) -> Iterator[list[int]]:
    """The learners of ``enrolments``, CHUNK at a time (one query each)."""
    after = 0
    while True:
        ids = list(
            enrolments.filter(user_id__gt=after)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:CHUNK]
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


def scan_inactivity(now: datetime.datetime) -> int:
    """One e-mail per quiet learner, naming each of their quiet paths."""
    today = now.astimezone(datetime.UTC).date()
    quiet = quiet_enrolments(now)
    dashboard = reverse("learner_dashboard")
    written = 0
    for user_ids in _user_chunks(quiet):
        per_user: dict[int, list[Enrolment]] = defaultdict(list)
        for enrolment in _for_message(quiet.filter(user_id__in=user_ids)).order_by("pk"):
            per_user[enrolment.user_id].append(enrolment)
        drafts = []
        for enrolments in per_user.values():
            user = enrolments[0].user
            message = compose.inactivity(
                _first_name(user),
                [
                    compose.QuietPath(
                        title=e.path.title,
                        continue_url=_continue_url(e),
                        last_activity=e.last_activity,  # type: ignore[attr-defined]
                        remaining=remaining_for(e),
                        next_step_title=e.next_step_title,  # type: ignore[attr-defined]
                    )
                    for e in enrolments
                ],
                _zone(user),
                dashboard,
            )
            drafts.append(
                Draft(user, message.subject, message.text, _quiet_key(today), message.url)
            )
        written += len(notify_many(INACTIVITY.key, drafts))
    return written


def ending_candidates(now: datetime.datetime) -> EnrolmentQuerySet:
    """Open enrolments on live credit paths whose last day to claim may fall
    in the next 30 days: the activity's termination date, the learner's claim
    window after their evaluation, or an extension. The exact date is worked
    out per learner, in their time zone (``last_day``)."""
    today = now.astimezone(datetime.UTC).date()
    # A day either side of UTC's date covers every time zone.
    since, until = (
        today - datetime.timedelta(days=1),
        today + datetime.timedelta(days=CREDIT_NOTICE_DAYS + 1),
    )
    evaluation = EvaluationResponse.objects.filter(enrolment=OuterRef("pk"))
    extension = (
        ClaimExtension.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(latest=Max("until"))
        .values("latest")
    )
    return (
        open_enrolments(CREDIT_ENDING.key)
        .filter(path__max_credits__gt=0)
        .annotate(
            evaluated_at=Subquery(evaluation.values("submitted_at")[:1]),
            extension_until=Subquery(extension),
        )
        .filter(
            Q(path__termination_date__range=(since, until))
            | Q(
                path__claim_window_days__isnull=False,
                evaluated_at__isnull=False,
                path__termination_date__gte=since,
            )
            | Q(extension_until__gte=since)
        )
    )


def last_day(
    enrolment: Enrolment, today: datetime.date, zone: datetime.tzinfo
) -> tuple[datetime.date, bool, bool] | None:
    """The last day ``enrolment``'s learner can claim credit, as the claim
    page counts it (learning.journey.extensions): the earlier of the path's
    termination date and the end of the claim window after the evaluation,
    or a later extension still running. Returns (day, claim window first,
    extended), or None when the path names no date."""
    path = enrolment.path
    window_end = None
    evaluated_at = getattr(enrolment, "evaluated_at", None)
    if path.claim_window_days and evaluated_at is not None:
        submitted = timezone.localtime(evaluated_at, zone).date()
        window_end = submitted + datetime.timedelta(days=path.claim_window_days)
    dates = [d for d in (window_end, path.termination_date) if d]
    base = min(dates) if dates else None
    extension = getattr(enrolment, "extension_until", None)
    if extension is not None and extension >= today and (base is None or extension > base):
        return extension, False, True
    if base is None:
        return None
    by_window = window_end is not None and window_end == base and base != path.termination_date
    return base, by_window, False


def _ending_chunks(candidates: EnrolmentQuerySet) -> Iterator[list[Enrolment]]:
    after = 0
    while True:
        rows = list(_for_message(candidates.filter(pk__gt=after)).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        after = rows[-1].pk


def scan_credit_ending(now: datetime.datetime) -> int:
    """One reminder per enrolment and last day, 30 days or fewer before it."""
    written = 0
    for enrolments in _ending_chunks(ending_candidates(now)):
        drafts = []
        for enrolment in enrolments:
            user = enrolment.user
            zone = _zone(user)
            today = timezone.localtime(now, zone).date()
            found = last_day(enrolment, today, zone)
            if found is None:
                continue
            day, by_window, extended = found
            days_left = (day - today).days
            if not 0 <= days_left <= CREDIT_NOTICE_DAYS:
                continue
            message = compose.credit_ending(
                _first_name(user),
                compose.EndingPath(
                    title=enrolment.path.title,
                    continue_url=_continue_url(enrolment),
                    last_day=day,
                    days_left=days_left,
                    claim_window=by_window,
                    extended=extended,
                    remaining=remaining_for(enrolment),
                    next_step_title=enrolment.next_step_title,  # type: ignore[attr-defined]
                ),
            )
            key = f"credit-end-{enrolment.pk}-{day.isoformat()}"
            drafts.append(Draft(user, message.subject, message.text, key, message.url))
        written += len(notify_many(CREDIT_ENDING.key, drafts))
    return written
