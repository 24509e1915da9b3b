from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.management.options import parse_today
from learning.privacy.purge import purge_expired
from learning.privacy.retention import RETENTION_YEARS


class Command(BaseCommand):
    help = (
        f"Remove the certificates kept for deleted accounts once {RETENTION_YEARS} years have "
        "passed since they were issued, then the anonymised account. Safe to run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be removed; change nothing."
        )
        parser.add_argument(
            "--today", help="Pretend today is this date (YYYY-MM-DD), e.g. to preview."
        )

    def handle(
        self, *args: Any, dry_run: bool = False, today: str | None = None, **options: Any
    ) -> None:
        day = parse_today(today)
        result = purge_expired(today=day, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {result.certificates} certificate(s) past retention; "
            f"{result.accounts} deleted account(s) fully purged."
        )
        if result.failed:
            # After the others were purged: a non-zero exit tells cron.
            raise CommandError(
                f"{len(result.failed)} deleted account(s) could not be purged (see the log): "
                f"AccountDeletion {', '.join(str(pk) for pk in result.failed)}."
            )
