"""Background work for search (django-tasks: in-process in the embedded
setup, a database worker at scale)."""

import logging

from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)


@task()
def process_index_updates() -> dict[str, int]:
    """Apply queued index updates. When an engine is down the updates stay
    queued; a backend that can run tasks later gets a retry scheduled."""
    from django.utils import timezone

    from .indexing import process_pending, retry_delay
    from .models import PendingIndexUpdate

    result = process_pending()
    if result.failed and default_task_backend.supports_defer:
        oldest = PendingIndexUpdate.objects.order_by("-attempts").first()
        delay = retry_delay(oldest.attempts if oldest else 1)
        process_index_updates.using(run_after=timezone.now() + delay).enqueue()
        logger.warning("Search index updates will be retried in %s", delay)
    return {"indexed": result.indexed, "failed": result.failed, "remaining": result.remaining}
