"""ElasticsearchEngine: the index behind an alias, writes, searches and
health checks. Requests are built in queries.py and read in responses.py."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import scan

from search.query import clean_query, parse

from ..base import (
    EngineUnavailable,
    ProgressCallback,
    SearchDocument,
    SearchEngine,
    SearchQuery,
    SearchResults,
    Suggestion,
    with_correction,
)
from . import responses
from .bulk import index_actions, send_bulk
from .errors import CLIENT_ERRORS, describe
from .mapping import CurbsideDocument
from .queries import completion_request, labels_request, search_request
from .spelling import correction


class ElasticsearchEngine(SearchEngine):
    """Search through an Elasticsearch 8 cluster (see docs/search-elasticsearch.md)."""

    name = "elasticsearch"
    external = True

    def __init__(self, url: str, index: str, timeout: float):
        self.url = url
        self.alias = index
        self.timeout = timeout
        self.client = Elasticsearch(
            url, request_timeout=timeout, retry_on_timeout=False, max_retries=0
        )

    def __repr__(self) -> str:
        return f"<ElasticsearchEngine {self.url} {self.alias}>"

    # -- plumbing

    def _describe(self, error: Exception) -> str:
        return describe(error, self.url, self.timeout)

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn every client, transport and bulk error into EngineUnavailable."""
        try:
            yield
        except CLIENT_ERRORS as error:
            raise EngineUnavailable(f"{self._describe(error)} (while {action})") from error

    def _versioned_name(self) -> str:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-{stamp}"

    def _aliased_indices(self) -> list[str]:
        """Concrete indices behind the alias; [] when it does not exist."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _create_index(self, name: str) -> None:
        CurbsideDocument.init(index=name, using=self.client)

    def _ensure_alias(self) -> None:
        """Incremental updates before the first rebuild: create an empty
        versioned index and point the alias at it."""
        if self.client.indices.exists_alias(name=self.alias):
            return
        name = self._versioned_name()
        self._create_index(name)
        try:
            self.client.indices.update_aliases(
                actions=[{"add": {"index": name, "alias": self.alias, "is_write_index": True}}]
            )
        except ApiError:
            # Another process created the alias first (a second write index
            # is refused): use theirs; otherwise the error stands.
            self.client.indices.delete(index=name)
            if not self.client.indices.exists_alias(name=self.alias):
                raise

    # -- writes

    def index(self, documents: Iterable[SearchDocument]) -> None:
        documents = list(documents)
        if not documents:
            return
        with self._errors("indexing"):
            self._ensure_alias()
            send_bulk(
                self.client, self.url, index_actions(documents, self.alias), refresh="wait_for"
            )

    def remove(self, page_ids: Iterable[int]) -> None:
        ids = sorted({int(page_id) for page_id in page_ids})
        if not ids:
            return
        with self._errors("removing documents"):
            if not self.client.indices.exists_alias(name=self.alias):
                return  # nothing was ever indexed
            actions = ({"_op_type": "delete", "_index": self.alias, "_id": str(i)} for i in ids)
            send_bulk(self.client, self.url, actions, refresh="wait_for")

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Fill a new versioned index, then move the alias to it in one
        atomic call and drop the indices it pointed at before."""
        name = self._versioned_name()
        with self._errors("creating a new index"):
            self._create_index(name)
        try:
            with self._errors("rebuilding the index"):
                seen: set[int] = set()
                send_bulk(self.client, self.url, index_actions(documents, name, seen), progress)
                self.client.indices.refresh(index=name)
                old = self._aliased_indices()
                actions: list[dict[str, dict[str, Any]]] = [
                    {"remove": {"index": old_name, "alias": self.alias}} for old_name in old
                ]
                actions.append(
                    {"add": {"index": name, "alias": self.alias, "is_write_index": True}}
                )
                self.client.indices.update_aliases(actions=actions)
        except BaseException as error:
            self._drop_failed_index(name, error)
            raise
        if old:
            with self._errors("deleting the previous index"):
                self.client.indices.delete(index=",".join(old))
        return len(seen)

    def _drop_failed_index(self, name: str, error: BaseException) -> None:
        """Delete a half-built index; if that fails too, say so in the error."""
        try:
            self.client.indices.delete(index=name)
        except (ApiError, TransportError) as cleanup:
            note = f"the unfinished index {name} was not deleted: {self._describe(cleanup)}"
            if isinstance(error, EngineUnavailable) and error.args:
                error.args = (f"{error.args[0]}; {note}", *error.args[1:])
            else:
                error.add_note(note)

    def delete_all(self) -> None:
        """Delete the alias and every versioned index behind it (for tests)."""
        with self._errors("deleting the index"):
            names = self._aliased_indices()
            if names:
                self.client.indices.delete(index=",".join(names))

    # -- reads

    def search(self, query: SearchQuery) -> SearchResults:
        return with_correction(query, self._search_as_typed(query), self._search_as_typed)

    def _search_as_typed(self, query: SearchQuery) -> SearchResults:
        parsed = parse(query.text)
        with self._errors("searching"):
            request = search_request(self.client, self.alias, parsed, query, match_all=True)
            response = request.execute().to_dict()
            matched_all = True
            if responses.total(response) == 0 and len(parsed.clauses) > 1:
                request = search_request(self.client, self.alias, parsed, query, match_all=False)
                response = request.execute().to_dict()
                matched_all = False
            facets = responses.facets(response, query, self._labels)
        return SearchResults(
            query=query,
            hits=tuple(responses.hit(raw) for raw in response.get("hits", {}).get("hits", [])),
            total=responses.total(response),
            facets=facets,
            suggestion=correction(parsed, response.get("suggest", {}).get("spelling", [])),
            matched_all_words=matched_all,
            engine=self.name,
        )

    def _labels(self, missing: dict[str, list[str]]) -> dict[tuple[str, str], str]:
        """Labels of selected facet values no result has (so their count is 0)."""
        if not missing:
            return {}
        request = labels_request(self.client, self.alias, missing)
        aggregations = request.execute().to_dict().get("aggregations", {})
        return responses.facet_labels(aggregations, missing)

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        prefix = clean_query(text)[0][:50].strip()
        if len(prefix) < 2 or limit <= 0:
            return []
        request = completion_request(self.client, self.alias, prefix, limit)
        with self._errors("suggesting titles"):
            response = request.execute().to_dict()
        return responses.suggestions(response, limit)

    def indexed_ids(self) -> set[int]:
        with self._errors("listing indexed pages"):
            if not self.client.indices.exists_alias(name=self.alias):
                return set()
            hits = scan(
                self.client,
                index=self.alias,
                query={"query": {"match_all": {}}, "_source": False},
                size=1000,
                request_timeout=max(self.timeout, 30),
            )
            return {int(hit["_id"]) for hit in hits}

    def problems(self) -> list[str]:
        try:
            self.client.info()
            if not self.client.indices.exists_alias(name=self.alias):
                return [
                    f"Elasticsearch at {self.url}: the index {self.alias!r} does not exist yet "
                    "(rebuild the search index)"
                ]
        except (ApiError, TransportError) as error:
            return [self._describe(error)]
        return []
