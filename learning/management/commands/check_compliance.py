"""``manage.py check_compliance``: the daily compliance check of live credit
paths (learning.compliance.daily). Prints every path out of compliance, every
change recorded and every notice sent. Safe to run twice: the second run
records and sends nothing."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.compliance.daily import CheckReport, PathResult, run_check
from learning.compliance.tasks import check_compliance
from learning.management.options import parse_today


class Command(BaseCommand):
    help = (
        "Check every live path with credit against the publish gate; record each path that "
        "fell out of compliance or was put right, and e-mail its institution's staff once "
        "per change. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be recorded and sent; change nothing, send nothing.",
        )
        parser.add_argument(
            "--today", help="Check as of this date (YYYY-MM-DD), e.g. to preview a renewal."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the check as a background task for the worker instead of running it here.",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the counts as JSON."
        )

    def handle(
        self,
        *args: Any,
        dry_run: bool = False,
        today: str | None = None,
        enqueue: bool = False,
        as_json: bool = False,
        **options: Any,
    ) -> None:
        if enqueue:
            if dry_run or today:
                raise CommandError("--enqueue checks today for real: drop --dry-run and --today.")
            result = check_compliance.enqueue()
            self.stdout.write(f"Queued the compliance check as task {result.id}.")
            return
        day = parse_today(today)
        report = run_check(day, dry_run=dry_run)
        if as_json:
            self.stdout.write(json.dumps(report.counts()))
            return
        self.print_report(report)

    def print_report(self, report: CheckReport) -> None:
        write = self.stdout.write
        prefix = "[dry run] " if report.dry_run else ""
        for result in report.results:
            if result.change is not None or not result.compliant or result.warning or result.note:
                write(prefix + describe(result, report.dry_run))
        counts = report.counts()
        write(
            f"{prefix}Checked {counts['checked']} live path(s) with credit on "
            f"{report.on:%-d %B %Y}: {counts['out_of_compliance']} out of compliance, "
            f"{counts['changes']} change(s) {'to record' if report.dry_run else 'recorded'}, "
            f"{counts['notified']} notice(s) {'to send' if report.dry_run else 'sent'}."
        )
        if report.warnings:
            self.stderr.write(f"{len(report.warnings)} path(s) need attention (see above).")


def describe(result: PathResult, dry_run: bool) -> str:
    path = result.path
    lines = [f"“{path.title}” (page {path.pk}): "]
    if result.change is not None:
        lines[0] += str(result.change)
    elif result.compliant:
        lines[0] += "compliant"
    else:
        since = f" since {result.check.checked_at:%-d %B %Y}" if result.check else ""
        lines[0] += f"still out of compliance, unchanged{since}"
    if not result.compliant:
        lines += [f"    - {problem}" for problem in result.problems]
    if result.notified:
        verb = "would tell" if dry_run else "told"
        lines.append(f"    {verb} {', '.join(result.notified)}")
    if result.note:
        lines.append(f"    {result.note}")
    if result.warning:
        lines.append(f"    ! {result.warning}")
    return "\n".join(lines)
