"""The daily compliance check of live credit paths (``manage.py check_compliance``,
also the background task ``learning.compliance.tasks.check_compliance``).

For each live path with credit it asks the publish gate (``gate.path_problems``)
and compares the answer with the path's newest ``PathComplianceCheck``:

- it fell out of compliance (an expired disclosure, a review more than 3 years
  old, a termination date passed, a step guide unpublished...), or what is
  wrong changed while it is out: one new row with the problems;
- it was put right: one new row, compliant;
- nothing changed: nothing is written.

The institution's staff are e-mailed once per row (``notified_at``); a send
that failed, or a path whose institution has no one to tell, is retried on
the next run. Running it twice writes and sends nothing the second time.

The journey does not wait for this check: enrolments and claims are refused
the moment a path falls out (``availability.credit_available``). This check
records when it happened and tells the people who can put it right.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from learning.models import LearningPathPage, PathComplianceCheck

from .gate import path_problems
from .notices import recipients, send_notice

logger = logging.getLogger(__name__)


class Change(enum.StrEnum):
    FELL_OUT = "fell out of compliance"
    STILL_OUT = "still out of compliance; what is wrong changed"
    PUT_RIGHT = "put right"


@dataclass
class PathResult:
    path: LearningPathPage
    problems: list[str]
    change: Change | None = None
    check: PathComplianceCheck | None = None  # the row written, or the newest one
    notified: list[str] = field(default_factory=list)  # addresses told in this run
    warning: str = ""  # something staff or operators must act on
    note: str = ""

    @property
    def compliant(self) -> bool:
        return not self.problems


@dataclass
class CheckReport:
    on: datetime.date
    dry_run: bool
    results: list[PathResult] = field(default_factory=list)

    @property
    def out_of_compliance(self) -> list[PathResult]:
        return [r for r in self.results if not r.compliant]

    @property
    def changes(self) -> list[PathResult]:
        return [r for r in self.results if r.change is not None]

    @property
    def notified(self) -> list[PathResult]:
        return [r for r in self.results if r.notified]

    @property
    def warnings(self) -> list[PathResult]:
        return [r for r in self.results if r.warning]

    def counts(self) -> dict[str, int | str]:
        return {
            "on": self.on.isoformat(),
            "checked": len(self.results),
            "out_of_compliance": len(self.out_of_compliance),
            "changes": len(self.changes),
            "notified": len(self.notified),
            "warnings": len(self.warnings),
        }


def live_credit_paths() -> list[LearningPathPage]:
    return list(
        LearningPathPage.objects.live()
        .filter(max_credits__gt=0)
        .select_related("institution")
        .order_by("title", "pk")
    )


def run_check(on: datetime.date | None = None, *, dry_run: bool = False) -> CheckReport:
    """Check every live credit path on ``on`` (today); record and tell each change.
    ``dry_run`` reports what would be recorded and sent, and changes nothing."""
    on = on or timezone.localdate()
    report = CheckReport(on=on, dry_run=dry_run)
    for path in live_credit_paths():
        result = check_path(path, on, dry_run=dry_run)
        report.results.append(result)
        _log(result)
    return report


def classify(last: PathComplianceCheck | None, problems: list[str]) -> Change | None:
    """What changed since the newest row (none yet means "compliant so far")."""
    was_compliant = last is None or last.compliant
    if was_compliant:
        return Change.FELL_OUT if problems else None
    if not problems:
        return Change.PUT_RIGHT
    assert last is not None
    return Change.STILL_OUT if set(problems) != set(last.problems) else None


@contextlib.contextmanager
def _path_lock(path: LearningPathPage) -> Iterator[None]:
    """One check of a path at a time: on PostgreSQL the path's row is locked
    while its newest row is compared and the new one written, so two runs at
    once write one row. (SQLite lets one writer in at a time anyway.)"""
    with transaction.atomic():
        if connection.features.has_select_for_update:
            list(LearningPathPage.objects.select_for_update().filter(pk=path.pk).values("pk"))
        yield


def check_path(path: LearningPathPage, on: datetime.date, *, dry_run: bool = False) -> PathResult:
    result = PathResult(path=path, problems=path_problems(path, on))
    with _path_lock(path):
        last = path.compliance_checks.order_by("-checked_at", "-pk").first()
        result.change = classify(last, result.problems)
        result.check = last
        if result.change is not None and not dry_run:
            result.check = PathComplianceCheck.objects.create(
                path=path, compliant=result.compliant, problems=result.problems
            )
    if dry_run:
        if result.change is not None:
            result.notified = recipients(path)
        return result
    row = result.check
    if row is None or row.notified_at is not None:
        return result
    _notify(result, row, retry=result.change is None)
    return result


def _notify(result: PathResult, row: PathComplianceCheck, *, retry: bool) -> None:
    """Tell the institution's staff about ``row`` once; leave it to the next
    run when there is nobody to tell or the mail server refused."""
    with _row_lock():
        rows = PathComplianceCheck.objects.filter(pk=row.pk, notified_at__isnull=True)
        if connection.features.has_select_for_update:
            rows = rows.select_for_update()
        locked = rows.first()
        if locked is None:  # another run told them in the meantime
            return
        to = recipients(result.path)
        if not to:
            result.warning = (
                "nobody to tell: the path has no institution with staff e-mail addresses or a "
                "contact e-mail. Add staff to the institution; the next run tells them."
            )
            return
        try:
            send_notice(result.path, locked, previous_compliant=_was_compliant(locked), to=to)
        except Exception as exc:  # noqa: BLE001 - any mail failure is reported and retried
            logger.exception("Compliance notice for path %s not sent", result.path.pk)
            result.warning = f"the e-mail could not be sent ({exc}); the next run tries again."
            return
        locked.notified_at = timezone.now()
        locked.save(update_fields=["notified_at"])
        row.notified_at = locked.notified_at
        result.notified = to
        if retry:
            result.note = "told now: an earlier run could not send this notice."


def _was_compliant(row: PathComplianceCheck) -> bool:
    """Was the path compliant before ``row`` (no earlier row counts as compliant)?"""
    earlier = (
        PathComplianceCheck.objects.filter(path_id=row.path_id)
        .filter(checked_at__lte=row.checked_at)
        .exclude(pk=row.pk)
        .exclude(checked_at=row.checked_at, pk__gt=row.pk)
        .order_by("-checked_at", "-pk")
        .first()
    )
    return earlier is None or earlier.compliant


def _row_lock() -> contextlib.AbstractContextManager[object]:
    """On PostgreSQL the notice is sent holding the row's lock, so two runs at
    once send it once; on SQLite no transaction is held while mailing."""
    if connection.features.has_select_for_update:
        return transaction.atomic()
    return contextlib.nullcontext()


def _log(result: PathResult) -> None:
    title = result.path.title
    if result.change == Change.PUT_RIGHT:
        logger.info("Compliance: %r (%s) put right", title, result.path.pk)
    elif result.change is not None:
        logger.warning(
            "Compliance: %r (%s) %s: %s", title, result.path.pk, result.change, result.problems
        )
    if result.warning:
        logger.warning("Compliance: %r (%s): %s", title, result.path.pk, result.warning)
