"""Which engines exist and which one answers searches.

The embedded engine (SQLite FTS5 or PostgreSQL full-text search, whichever
database is configured) is always kept up to date: it is the default engine
and the fallback when Elasticsearch cannot be reached. With
ELASTICSEARCH_URL set, Elasticsearch answers searches and is kept up to date
as well. Callers never ask which class an engine is.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.conf import settings

from search.database import index_database_errors, index_db

from .base import (
    FACET_KEYS,
    FACETS,
    MARK_END,
    MARK_START,
    EngineUnavailable,
    Facet,
    FacetValue,
    Hit,
    SearchDocument,
    SearchEngine,
    SearchQuery,
    SearchResults,
    Suggestion,
)

if TYPE_CHECKING:
    from .elasticsearch import ElasticsearchEngine

__all__ = [
    "FACETS",
    "FACET_KEYS",
    "MARK_END",
    "MARK_START",
    "EngineUnavailable",
    "Facet",
    "FacetValue",
    "Hit",
    "SearchDocument",
    "SearchEngine",
    "SearchQuery",
    "SearchResults",
    "Suggestion",
    "get_embedded_engine",
    "get_engine",
    "get_engines",
    "unavailable_errors",
]


def unavailable_errors() -> tuple[type[Exception], ...]:
    """What an engine raises when it cannot be reached, the embedded index's
    own database among them when it has one: callers say so and keep the
    update queued, or show the search page's notice."""
    return (EngineUnavailable, *index_database_errors())


def get_embedded_engine() -> SearchEngine:
    if index_db.vendor == "postgresql":
        from .postgres import PostgresEngine

        return PostgresEngine()
    from .sqlite import SqliteEngine

    return SqliteEngine()


@functools.cache
def _elasticsearch_engine(url: str, index: str, timeout: float) -> ElasticsearchEngine:
    from .elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine(url=url, index=index, timeout=timeout)


def get_external_engine() -> ElasticsearchEngine | None:
    url = settings.ELASTICSEARCH_URL
    if not url:
        return None
    return _elasticsearch_engine(url, settings.ELASTICSEARCH_INDEX, settings.ELASTICSEARCH_TIMEOUT)


def get_engine() -> SearchEngine:
    """The engine that answers searches."""
    return get_external_engine() or get_embedded_engine()


def get_engines() -> list[SearchEngine]:
    """Every engine that index updates must reach: the embedded one first."""
    external = get_external_engine()
    return [get_embedded_engine()] + ([external] if external else [])
