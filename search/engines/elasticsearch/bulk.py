"""Bulk writes: index actions for documents, sent in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from ..base import EngineUnavailable, ProgressCallback, SearchDocument
from .errors import bulk_item_error
from .mapping import to_source

BULK_CHUNK = 500


def send_bulk(
    client: Elasticsearch,
    url: str,
    actions: Iterable[dict],
    progress: ProgressCallback | None = None,
    **kw: Any,
) -> None:
    """Send actions in chunks; raise if any was rejected (a delete of an
    unknown id is not a rejection). progress(n) gets the number of
    documents written since its last call."""
    done, unreported, failures, first_error = 0, 0, 0, ""
    for ok, item in streaming_bulk(
        client,
        actions,
        chunk_size=BULK_CHUNK,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=0,
        **kw,
    ):
        result = next(iter(item.values()))
        if ok or ("delete" in item and result.get("status") == 404):
            done += 1
            unreported += 1
            if progress and unreported >= BULK_CHUNK:
                progress(unreported)
                unreported = 0
        else:
            failures += 1
            first_error = first_error or bulk_item_error(item)
    if failures:
        raise EngineUnavailable(
            f"Elasticsearch at {url}: {failures} of {done + failures} documents "
            f"rejected; first: {first_error}"
        )
    if progress and unreported:
        progress(unreported)


def index_actions(
    documents: Iterable[SearchDocument], index: str, seen: set[int] | None = None
) -> Iterator[dict]:
    """Bulk index actions; with `seen`, repeated page ids are skipped and
    the ids written are collected there."""
    for document in documents:
        if seen is not None:
            if document.page_id in seen:
                continue
            seen.add(document.page_id)
        source = to_source(document)
        source.meta.index = index
        yield source.to_dict(include_meta=True)
