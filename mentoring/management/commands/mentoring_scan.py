"""``manage.py mentoring_scan``: remind mentors of requests waiting 3 days and
close those waiting 7, offering each mentee their next suggestion. Safe to run
as often as you like (cron every hour is plenty): each request is reminded once
and expires once."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mentoring.services.scan import scan


class Command(BaseCommand):
    help = "Send mentoring request reminders (after 3 days) and expire requests (after 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="Act as if it were this moment (ISO 8601, e.g. 2026-12-09T08:00Z)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"].replace("Z", "+00:00"))
            except ValueError as error:
                raise CommandError(f"--now: {options['now']!r} is not an ISO 8601 time.") from error
            if timezone.is_naive(now):
                now = timezone.make_aware(now, timezone.get_current_timezone())
        result = scan(now)
        self.stdout.write(f"Reminded {result.reminded}, expired {result.expired}.")
