"""``manage.py send_notifications``: run every scheduled scan (reminders,
expiries) and send the e-mails of written notifications. Run it from cron
every 5 to 15 minutes. Safe to run twice or at once: scans write each
notification once, and delivery never sends a row twice."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications.delivery import deliver_pending
from notifications.schedule import run_scans
from notifications.tasks import run_notification_scans


class Command(BaseCommand):
    help = (
        "Run the scheduled notification scans (reminders, expiries) and send pending "
        "notification e-mails. Run it from cron every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work as a background task for the worker instead of doing it here.",
        )
        parser.add_argument(
            "--no-scans", action="store_true", help="Only send what is already written."
        )
        parser.add_argument(
            "--now",
            help="Run the scans as of this moment (ISO 8601 with a time zone), e.g. to preview.",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the counts as JSON."
        )

    def handle(
        self,
        *args: Any,
        enqueue: bool = False,
        no_scans: bool = False,
        now: str | None = None,
        as_json: bool = False,
        **options: Any,
    ) -> None:
        if enqueue:
            if now or no_scans:
                raise CommandError(
                    "--enqueue runs everything as of now: drop --now and --no-scans."
                )
            result = run_notification_scans.enqueue()
            self.stdout.write(f"Queued the notification scans and delivery as task {result.id}.")
            return
        moment = timezone.now()
        if now:
            parsed = parse_datetime(now)
            if parsed is None or timezone.is_naive(parsed):
                raise CommandError(
                    f"--now {now!r} is not a date and time with a zone (2026-12-02T09:00:00+00:00)."
                )
            moment = parsed
        results = {} if no_scans else run_scans(moment)
        counts = deliver_pending().counts()
        if as_json:
            self.stdout.write(json.dumps({"scans": results, "email": counts}))
            return
        for name, written in results.items():
            if written < 0:
                self.stderr.write(f"Scan {name}: FAILED (see the log).")
            else:
                self.stdout.write(f"Scan {name}: {written} notification(s) written.")
        self.stdout.write(
            "E-mails: {sent} sent, {skipped} not sent (turned off or undeliverable), "
            "{retry} to retry, {failed} given up.".format(**counts)
        )
        if any(value < 0 for value in results.values()):
            raise CommandError("A scan failed.")
