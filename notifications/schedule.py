"""Scheduled scans: the jobs that write notifications because time passed
(a reminder after 7 quiet days, a request that expires). Each app registers
its scans; ``manage.py send_notifications`` (cron, every few minutes) and the
scheduled task run them all, then deliver. A scan takes ``now`` and must be
idempotent (notify with a dedupe key), so running it twice writes nothing
twice. It returns how many notifications it wrote."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

Scan = Callable[[datetime.datetime], int]


@dataclass(frozen=True)
class Registered:
    name: str
    scan: Scan


_SCANS: dict[str, Registered] = {}


def register(name: str, scan: Scan) -> None:
    _SCANS[name] = Registered(name, scan)


def scans() -> list[Registered]:
    return [_SCANS[name] for name in sorted(_SCANS)]


def run_scans(now: datetime.datetime) -> dict[str, int]:
    """Run every scan; one scan failing does not stop the others (it is
    logged and reported as -1)."""
    results: dict[str, int] = {}
    for registered in scans():
        try:
            results[registered.name] = registered.scan(now)
        except Exception:
            logger.exception("notification scan failed", extra={"scan": registered.name})
            results[registered.name] = -1
    return results
