"""Running queued tasks as `manage.py worker` does, in the test's process."""

from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_worker(max_runs=20):
    """What `manage.py worker` does, task by task, until the queue is empty.
    Returns the tasks run (their paths)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = []
    for _ in range(max_runs):
        row = DBTaskResult.objects.ready().order_by(*DBTaskResult._meta.ordering).first()
        if row is None:
            return ran
        row.claim(worker.worker_id)
        worker.run_task(row)
        row.refresh_from_db()
        assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
        ran.append(row.task_path)
    raise AssertionError(f"the queue was not empty after {max_runs} tasks")
