"""Background work for search (django-tasks: in-process in the embedded
setup, a database worker at scale). The top layer of search: it imports the
services; ``search.indexing`` asks for processing through
``events.index_update_requested``, connected to ``enqueue_processing`` in
search.apps."""

import logging
from typing import Any

from django.utils import timezone

from django_tasks import default_task_backend, task

from .indexing import process_pending, retry_delay
from .models import PendingIndexUpdate

logger = logging.getLogger(__name__)


@task()
def process_index_updates() -> dict[str, int]:
    """Apply queued index updates. When an engine is down the updates stay
    queued; a backend that can run tasks later gets a retry scheduled."""
    result = process_pending()
    if result.failed and default_task_backend.supports_defer:
        oldest = PendingIndexUpdate.objects.order_by("-attempts").first()
        delay = retry_delay(oldest.attempts if oldest else 1)
        process_index_updates.using(run_after=timezone.now() + delay).enqueue()
        logger.warning("Search index updates will be retried in %s", delay)
    return {"indexed": result.indexed, "failed": result.failed, "remaining": result.remaining}


def enqueue_processing(sender: Any, **kwargs: Any) -> None:
    """Receiver of ``events.index_update_requested``: queue the processing."""
    process_index_updates.enqueue()
