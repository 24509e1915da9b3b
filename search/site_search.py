"""Search as the rest of the site uses it: answer a query from the configured
engine, falling back to the embedded engine when Elasticsearch cannot be
reached; keep every engine's index in step with publishing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache

from .engines import (
    EngineUnavailable,
    SearchEngine,
    SearchQuery,
    SearchResults,
    Suggestion,
    get_embedded_engine,
    get_external_engine,
    unavailable_errors,
)
from .indexing import missed_updates

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = (
    "Search is running in a reduced mode at the moment: results come from a "
    "simpler index and may be ordered differently."
)
UNAVAILABLE_NOTICE = (
    "Search is not available at the moment. Please try again in a few minutes; "
    "the guides and paths themselves are all still there."
)
# After a failure, don't try the external engine again for this long: every
# request would otherwise wait for a connection timeout.
OUTAGE_SECONDS = 30
_OUTAGE_KEY = "search:external-engine-down"


@dataclass(frozen=True)
class Answer:
    results: SearchResults
    notice: str = ""
    # The embedded index could not be read (its own database is away).
    unavailable: bool = False


def _external_for_reading() -> tuple[SearchEngine | None, bool]:
    """The external engine and whether not to ask it: it is down, or it
    missed an update the embedded index has (a page withdrawn while it was
    down would still be found there until a retry reaches it)."""
    engine = get_external_engine()
    if engine is None or cache.get(_OUTAGE_KEY):
        return engine, bool(engine)
    return engine, missed_updates(engine)


def search(query: SearchQuery) -> Answer:
    """Results for the search page. Never raises EngineUnavailable: with the
    external engine down, the embedded engine answers and `notice` says so;
    with the embedded index unreadable too, no results, `unavailable` and a
    notice that says so."""
    external, known_down = _external_for_reading()
    if external is not None and not known_down:
        try:
            return Answer(external.search(query))
        except EngineUnavailable as error:
            logger.error(
                "Search engine %s unavailable, using the embedded engine: %s", external.name, error
            )
            cache.set(_OUTAGE_KEY, True, OUTAGE_SECONDS)
    try:
        results = get_embedded_engine().search(query)
    except unavailable_errors() as error:
        logger.error("The embedded search index cannot be read: %s", error)
        empty = SearchResults(query=query, hits=(), total=0, facets=())
        return Answer(empty, UNAVAILABLE_NOTICE, unavailable=True)
    return Answer(results, FALLBACK_NOTICE if external is not None else "")


def suggest(text: str, limit: int = 8) -> list[Suggestion]:
    """Titles completing what has been typed, for the search box."""
    external, known_down = _external_for_reading()
    if external is not None and not known_down:
        try:
            return external.suggest(text, limit)
        except EngineUnavailable as error:
            logger.error("Search engine %s unavailable for suggestions: %s", external.name, error)
            cache.set(_OUTAGE_KEY, True, OUTAGE_SECONDS)
    try:
        return get_embedded_engine().suggest(text, limit)
    except unavailable_errors() as error:
        logger.error("The embedded search index cannot be read for suggestions: %s", error)
        return []
