"""Background work of the compliance wing (django-tasks): the daily check as a
task, for deployments that queue periodic work to ``make worker`` rather than
run the command from cron (``manage.py check_compliance --enqueue``).

The top layer of the wing: nothing in the wing imports this module."""

from django_tasks import task

from .daily import run_check


@task()
def check_compliance() -> dict[str, int | str]:
    """Run the daily check now; returns its counts (the task's result). Each
    change and each notice that could not be sent is logged by ``daily``."""
    return run_check().counts()
