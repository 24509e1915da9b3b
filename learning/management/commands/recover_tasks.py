"""``manage.py recover_tasks``: recovery after a dead task worker
(learning.certificates.tasks.recover). ``make worker`` runs it with its
own ``--worker-id`` before the worker; cron runs it without one."""

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learning.certificates.recovery import STALE_AFTER
from learning.certificates.tasks import recover


class Command(BaseCommand):
    help = (
        "Put certificate tasks left RUNNING by a dead worker back in the queue, and queue "
        "issuance and PDFs that no task is waiting for. Safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker-id",
            help="A worker about to start under this id: its RUNNING tasks are released at once.",
        )
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=int(STALE_AFTER.total_seconds() // 60),
            help="Release any worker's task running longer than this when that worker "
            "records no heartbeat (default: %(default)s).",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the counts as JSON."
        )

    def handle(
        self,
        *args: Any,
        worker_id: str | None = None,
        stale_minutes: int,
        as_json: bool,
        **options: Any,
    ) -> None:
        counts = recover(worker_id=worker_id, stale_after=datetime.timedelta(minutes=stale_minutes))
        if as_json:
            self.stdout.write(json.dumps(counts))
            return
        self.stdout.write(
            f"Recovered: {counts['released']} task(s) released, {counts['claims_queued']} "
            f"certificate(s) and {counts['pdfs_queued']} PDF(s) queued."
        )
