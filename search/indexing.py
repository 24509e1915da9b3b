"""Keeping every engine's index in step with the site.

A change (publish, unpublish, move, delete, a new view restriction, a
mentor's new name) records the pages it touches in PendingIndexUpdate, in
the same transaction as the change, and once that transaction commits asks
for the `process_index_updates` task (the search.events signal, which
search.tasks answers by queueing it). The task builds each page's document
from the database as it is then and writes it to every engine (or removes
it when the page is no longer published and public). A row is
deleted only when every engine has the update, so an Elasticsearch outage
delays updates and loses none: the next run (the next change, the retry a
database worker schedules, or `manage.py search_index process`) catches up.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from wagtail.models import Page

from .database import index_database_errors
from .documents import INDEXED_MODELS, all_documents, documents_for, published_ids
from .engines import EngineUnavailable, SearchEngine, get_engines, unavailable_errors
from .engines.base import ProgressCallback, SearchDocument
from .engines.embedded.spelling import spelling_words
from .events import index_update_requested
from .models import IndexedDocument, PendingIndexUpdate
from .prefetch import prefetched

logger = logging.getLogger(__name__)

PROCESS_BATCH = 200
RETRY_DELAYS = (30, 60, 120, 300, 600, 1800)


def _indexable_or_indexed(page_ids: set[int]) -> set[int]:
    """Drop pages that are neither guides nor paths nor in the index (the
    home page, the index pages): they never need an update."""
    types = ContentType.objects.get_for_models(*INDEXED_MODELS).values()
    wanted = set(
        Page.objects.filter(pk__in=page_ids, content_type__in=types).values_list("pk", flat=True)
    )
    try:
        wanted |= set(
            IndexedDocument.objects.filter(page_id__in=page_ids).values_list("page_id", flat=True)
        )
    except index_database_errors() as error:
        # The index's own database is away: queue them all (an update of a
        # page that was never indexed removes nothing), never fail the change.
        logger.error("The search index cannot be read; every changed page is queued: %s", error)
        wanted |= page_ids
    return wanted


def request_update(page_ids: Iterable[int], *, filter_types: bool = True) -> int:
    """Record that these pages need re-indexing and queue the task for when
    the current transaction commits. Returns how many pages were queued."""
    page_ids = set(page_ids)
    if filter_types and page_ids:
        page_ids = _indexable_or_indexed(page_ids)
    if not page_ids:
        return 0
    now = timezone.now()
    PendingIndexUpdate.objects.bulk_create(
        [PendingIndexUpdate(page_id=pk, requested_at=now) for pk in sorted(page_ids)],
        update_conflicts=True,
        unique_fields=["page_id"],
        update_fields=["requested_at"],
    )
    transaction.on_commit(_announce)
    return len(page_ids)


def _announce() -> None:
    """After the commit: the task module (connected in search.apps) queues
    ``process_index_updates``."""
    index_update_requested.send(sender=PendingIndexUpdate)


@dataclass(frozen=True)
class ProcessResult:
    indexed: int
    failed: int
    remaining: int
    error: str = ""


def _engine_error(engine: SearchEngine, error: Exception) -> str:
    return f"{engine.name}: {error}"


def apply_updates(page_ids: list[int], engines: list[SearchEngine]) -> list[str]:
    """Write the current state of these pages to every engine; return one
    message per engine that could not take it."""
    documents, gone = documents_for(page_ids)
    errors = []
    unavailable = unavailable_errors()
    for engine in engines:
        try:
            if documents:
                engine.index(documents)
            if gone:
                engine.remove(gone)
        except unavailable as error:
            errors.append(_engine_error(engine, error))
    return errors


def missed_updates(engine: SearchEngine) -> bool:
    """Whether a queued update failed to reach this engine: until a retry
    gets it there, the engine may still hold a page since unpublished or
    made private, so it must not answer searches."""
    marker = _engine_error(engine, Exception(""))
    return PendingIndexUpdate.objects.filter(attempts__gt=0, last_error__contains=marker).exists()


def process_pending(batch_size: int = PROCESS_BATCH) -> ProcessResult:
    """Apply queued updates, oldest first, until none are left or an engine
    fails. Safe to run in several workers at once: updates are idempotent
    and a row re-requested while it was processed is kept for the next run."""
    engines = get_engines()
    started = timezone.now()
    indexed = failed = 0
    error = ""
    while True:
        pending = list(
            PendingIndexUpdate.objects.filter(
                Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=started)
            ).order_by("requested_at", "pk")[:batch_size]
        )
        if not pending:
            break
        errors = apply_updates([p.page_id for p in pending], engines)
        if errors:
            error = "; ".join(errors)
            logger.error(
                "Search index updates for %d pages failed and stay queued: %s",
                len(pending),
                error,
            )
            PendingIndexUpdate.objects.filter(pk__in=[p.pk for p in pending]).update(
                attempts=F("attempts") + 1, last_error=error[:2000], last_attempt_at=timezone.now()
            )
            failed += len(pending)
            break
        done = Q()
        for p in pending:
            done |= Q(pk=p.pk, requested_at=p.requested_at)
        PendingIndexUpdate.objects.filter(done).delete()
        indexed += len(pending)
    return ProcessResult(indexed, failed, PendingIndexUpdate.objects.count(), error)


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def _engine_progress(
    progress: Callable[[SearchEngine, int], None] | None, engine: SearchEngine
) -> ProgressCallback | None:
    """The engine's own progress callback: reports ``(engine, count)``."""
    if progress is None:
        return None

    def report(count: int) -> None:
        progress(engine, count)

    return report


def _rebuild_documents() -> Iterator[SearchDocument]:
    """all_documents, each with what the embedded engines work out from it
    (its meta text and spelling terms) already worked out: in a rebuild
    that is done in the builder process (search.prefetch), not the writer."""
    for document in all_documents():
        spelling_words(document)  # reads meta_text too
        yield document


def rebuild(
    engines: list[SearchEngine] | None = None,
    progress: Callable[[SearchEngine, int], None] | None = None,
) -> dict[str, int]:
    """Rebuild each engine from the published pages (the documents built in
    another process meanwhile: search.prefetch). Updates queued before
    the rebuild started are covered by it; later ones are processed after."""
    engines = engines or get_engines()
    started = timezone.now()
    counts = {}
    for engine in engines:
        counts[engine.name] = engine.rebuild(
            prefetched(_rebuild_documents), progress=_engine_progress(progress, engine)
        )
    PendingIndexUpdate.objects.filter(requested_at__lt=started).delete()
    if PendingIndexUpdate.objects.exists():
        process_pending()
    return counts


@dataclass(frozen=True)
class EngineStatus:
    engine: str
    indexed: int | None
    published: int
    missing: int | None
    extra: int | None
    error: str = ""

    @property
    def in_step(self) -> bool:
        return not self.error and self.missing == 0 and self.extra == 0


def status() -> tuple[list[EngineStatus], int]:
    """Per engine: documents in the index against published pages. Also the
    number of queued updates."""
    published = published_ids()
    result = []
    for engine in get_engines():
        try:
            indexed = engine.indexed_ids()
        except EngineUnavailable as error:
            result.append(EngineStatus(engine.name, None, len(published), None, None, str(error)))
            continue
        result.append(
            EngineStatus(
                engine.name,
                len(indexed),
                len(published),
                len(published - indexed),
                len(indexed - published),
            )
        )
    return result, PendingIndexUpdate.objects.count()
