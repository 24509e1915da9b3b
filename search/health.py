"""The search check of /healthz, in ``CHECKS`` (the project's health view
finds this module on first use and redacts the ``error`` it shows).

With ELASTICSEARCH_URL set, the cluster must answer and the search alias must
exist; when it does not, the site falls back to the embedded engine, so the
check fails (the site is "degraded"), it never takes the server down. Queued
index updates (PendingIndexUpdate) are reported too: they pile up while
Elasticsearch is away and drain when it is back. With the index in a
database of its own (SEARCH_DATABASE_URL), that database must answer and
hold the index's tables; when it does not, searches fail and updates stay
queued, so the check fails too ("degraded").
"""

from typing import Any

from .database import index_db, separate_index
from .engines import get_embedded_engine, get_external_engine
from .models import IndexState, PendingIndexUpdate


def check_search() -> dict[str, Any]:
    engine = get_external_engine()
    details: dict[str, Any] = {
        "engine": engine.name if engine else get_embedded_engine().name,
        "queued_updates": PendingIndexUpdate.objects.count(),
    }
    if separate_index():
        # Raises when the index's database does not answer or lacks its
        # tables (a broken connection is closed at the request's end).
        IndexState.objects.exists()
        details["index_database"] = f"{index_db.vendor}, its own"
    if engine is None:
        return details
    problems = engine.problems()
    if problems:
        # Never show the cluster's address (it may carry credentials).
        reason = problems[0].replace(f"Elasticsearch at {engine.url}: ", "")
        details.update(
            degraded=True,
            error=reason,
            fallback=get_embedded_engine().name,
        )
    return details


CHECKS = {"search": check_search}
