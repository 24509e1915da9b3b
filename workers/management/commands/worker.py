"""``manage.py worker``: django-tasks-db's ``db_worker``, with the same
options, that survives database outages and records a heartbeat
(workers.runner). ``make worker`` runs it."""

import os

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import logger as tasks_db_logger

from workers.heartbeat import heartbeat_seconds
from workers.runner import BACKOFF_MAX_SECONDS, ResilientWorker


def positive_float(value):
    number = float(value)
    if not number > 0:
        raise ValueError(value)
    return number


class Command(DbWorkerCommand):
    help = (
        "Run a database task worker that waits for the database when it goes away "
        "(and records a heartbeat for /healthz)"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--backoff-max",
            type=positive_float,
            default=getattr(settings, "WORKER_BACKOFF_MAX_SECONDS", BACKOFF_MAX_SECONDS),
            help="Longest wait (seconds) between attempts to reach a database that is down "
            "(default: WORKER_BACKOFF_MAX_SECONDS, %(default)s)",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        backoff_max,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            tasks_db_logger.warning("--reload and --batch cannot be used together: no reload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            backoff_max=backoff_max,
            heartbeat_interval=heartbeat_seconds(),
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the child process
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
