"""Elasticsearch engine: the only module that imports elasticsearch(-dsl).

Documents live in versioned indices ("<alias>-<UTC timestamp>") behind an
alias; searches and incremental writes go through the alias, and rebuild()
fills a fresh index and then moves the alias in one atomic `_aliases` call.
Queries are built from parsed words only (search.query), never from raw user
text, so no query-syntax parser ever sees what someone typed.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.exceptions import ConnectionError as TransportConnectionError
from elasticsearch.exceptions import ConnectionTimeout
from elasticsearch.helpers import BulkIndexError, ScanError, scan, streaming_bulk
from elasticsearch_dsl import (
    Completion,
    Date,
    Document,
    Integer,
    Keyword,
    MetaField,
    Object,
    Q,
    ScaledFloat,
    Search,
    Text,
    analyzer,
    token_filter,
)

from search.query import (
    STOP_WORDS,
    ParsedQuery,
    clean_query,
    parse,
    synonym_groups,
    synonym_lines,
)

from .base import (
    FACETS,
    MARK_END,
    MARK_START,
    EngineUnavailable,
    Facet,
    FacetValue,
    Hit,
    ProgressCallback,
    SearchDocument,
    SearchEngine,
    SearchQuery,
    SearchResults,
    Suggestion,
)

# --- Analysis -----------------------------------------------------------------

_possessive = token_filter("curbside_possessive", type="stemmer", language="possessive_english")
_stop = token_filter("curbside_stop", type="stop", stopwords="_english_")
_stemmer = token_filter("curbside_stemmer", type="stemmer", language="english")
# Synonyms come before stop words and stemming: rules such as "goals of care"
# are parsed by the filters in front of this one, and must keep their words.
_synonyms = token_filter("curbside_synonyms", type="synonym_graph", synonyms=synonym_lines())

ENGLISH = analyzer(
    "curbside_english",
    tokenizer="standard",
    filter=["lowercase", _possessive, _stop, _stemmer],
)
ENGLISH_SEARCH = analyzer(
    "curbside_english_search",
    tokenizer="standard",
    filter=["lowercase", _possessive, _synonyms, _stop, _stemmer],
)
# Spelling and completion see whole, unstemmed words, so suggestions are words.
COMPLETION = analyzer("curbside_completion", tokenizer="standard", filter=["lowercase"])


def _english_text() -> Text:
    return Text(analyzer=ENGLISH, search_analyzer=ENGLISH_SEARCH)


# facet key -> keyword field holding the values (what filters match)
FILTER_FIELDS = {
    "type": "kind",
    "topic": "topics",
    "specialty": "specialties",
    "audience": "audiences",
    "mentor": "mentors",
    "credit": "credit",
}
# "value<US>label" pairs in facets.<key>, aggregated to show labels with counts.
PAIR_SEPARATOR = "\x1f"
SEARCH_FIELDS = ["title^5", "summary^3", "objectives^2", "meta_text^2", "body"]
HIT_SOURCE = ["page_id", "kind", "title", "url", "summary", "credits", "release_date", "facets"]
FACET_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
BULK_CHUNK = 500
MAX_ANALYZED_OFFSET = 999_999  # below index.highlight.max_analyzed_offset (1,000,000)


class CurbsideDocument(Document):
    """The mapping of one indexed page (index names are given per call)."""

    page_id = Integer()
    kind = Keyword()
    title = _english_text()
    summary = _english_text()
    objectives = _english_text()
    body = _english_text()
    # SearchDocument.meta_text (labels of topics, mentors...); `meta` is reserved by the DSL.
    meta_text = _english_text()
    # Every word of the text fields, unstemmed, for "did you mean". Filled by
    # to_source() rather than copy_to so it works on any Elasticsearch-like
    # server; left out of _source to keep documents small.
    spell = Text(analyzer="standard")
    topics = Keyword(multi=True)
    specialties = Keyword(multi=True)
    audiences = Keyword(multi=True)
    mentors = Keyword(multi=True)
    credit = Keyword()
    facets = Object(properties={key: Keyword(multi=True) for key, _ in FACETS})
    credits = ScaledFloat(scaling_factor=100)
    release_date = Date()
    last_reviewed = Date()
    url = Keyword(index=False)
    suggest = Completion(analyzer=COMPLETION)

    class Meta:
        source = MetaField(excludes=["spell"])

    class Index:
        settings = {"number_of_shards": 1}


def _plain(text: str) -> str:
    """No control characters (completion inputs and facet pairs reserve some)."""
    return "".join(ch if ch >= " " else " " for ch in text or "")


def _completion_inputs(title: str) -> list[dict]:
    """The title, and what is left of it from each later word, so typing
    "infarc" suggests "Myocardial infarction basics"."""
    title = " ".join(_plain(title).split())
    if not title:
        return []
    title_words = title.split(" ")[:12]
    suffixes = [" ".join(title_words[i:]) for i in range(1, len(title_words))]
    suffixes = [s for s in suffixes if s.split(" ", 1)[0].lower() not in STOP_WORDS]
    inputs = [{"input": [title], "weight": 2}]
    if suffixes:
        inputs.append({"input": suffixes, "weight": 1})
    return inputs


def to_source(document: SearchDocument) -> CurbsideDocument:
    """The Elasticsearch document for a SearchDocument."""
    values = document.facet_values()
    return CurbsideDocument(
        meta={"id": str(document.page_id)},
        page_id=document.page_id,
        kind=document.kind,
        title=document.title,
        summary=document.summary,
        objectives=document.objectives,
        body=document.body,
        meta_text=document.meta_text,
        spell=" ".join(
            (
                document.title,
                document.summary,
                document.objectives,
                document.meta_text,
                document.body,
            )
        ),
        topics=[value for value, _ in document.topics],
        specialties=[value for value, _ in document.specialties],
        audiences=[value for value, _ in document.audiences],
        mentors=[value for value, _ in document.mentors],
        credit="yes" if document.credit_bearing else None,
        facets={
            key: [f"{_plain(value)}{PAIR_SEPARATOR}{_plain(label)}" for value, label in pairs]
            for key, pairs in values.items()
        },
        credits=float(document.credits) if document.credits is not None else None,
        release_date=document.release_date,
        last_reviewed=document.last_reviewed,
        url=document.url,
        suggest=_completion_inputs(document.title),
    )


def _split_pair(pair: str) -> tuple[str, str]:
    value, _, label = pair.partition(PAIR_SEPARATOR)
    return value, label or value


# --- Errors --------------------------------------------------------------------


def _api_reason(error: ApiError) -> str:
    info = error.body if isinstance(error.body, dict) else {}
    detail = info.get("error")
    if isinstance(detail, dict):
        causes = detail.get("root_cause") or [detail]
        cause = causes[0] if isinstance(causes[0], dict) else detail
        return f"{cause.get('type', error.message)}: {cause.get('reason', '')}".strip(": ")
    if isinstance(detail, str):
        return detail
    if error.body:
        return str(error.body)[:200]
    return "(empty response: is this Elasticsearch?)"


def _bulk_item_error(item: dict) -> str:
    (action, result), *_ = item.items()
    error = result.get("error")
    if isinstance(error, dict):
        error = f"{error.get('type')}: {error.get('reason')}"
    return f"{action} of document {result.get('_id')} failed ({result.get('status')}): {error}"


# --- The engine -----------------------------------------------------------------


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
        if isinstance(error, ConnectionTimeout):
            reason = f"no answer within {self.timeout:g}s"
        elif isinstance(error, TransportConnectionError):
            detail = str(error.message or error.__cause__ or error)
            if "refused" in detail.lower():
                reason = "connection refused"
            elif "resolve" in detail.lower():
                reason = f"cannot resolve the host name ({detail})"
            else:
                reason = f"cannot connect ({detail})"
        elif isinstance(error, ApiError):
            reason = f"HTTP {error.meta.status} {_api_reason(error)}"
        elif isinstance(error, BulkIndexError):
            first = _bulk_item_error(error.errors[0]) if error.errors else error
            reason = f"{len(error.errors)} documents rejected; first: {first}"
        else:
            reason = str(error)
        return f"Elasticsearch at {self.url}: {reason}"

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn every client, transport and bulk error into EngineUnavailable."""
        try:
            yield
        except (ApiError, TransportError, BulkIndexError, ScanError) as error:
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

    def _bulk(
        self, actions: Iterable[dict], progress: ProgressCallback | None = None, **kw: Any
    ) -> None:
        """Send actions in chunks; raise if any was rejected (a delete of an
        unknown id is not a rejection). progress(n) gets the number of
        documents written since its last call."""
        done, unreported, failures, first_error = 0, 0, 0, ""
        for ok, item in streaming_bulk(
            self.client,
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
                first_error = first_error or _bulk_item_error(item)
        if failures:
            raise EngineUnavailable(
                f"Elasticsearch at {self.url}: {failures} of {done + failures} documents "
                f"rejected; first: {first_error}"
            )
        if progress and unreported:
            progress(unreported)

    @staticmethod
    def _index_actions(
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

    # -- writes

    def index(self, documents: Iterable[SearchDocument]) -> None:
        documents = list(documents)
        if not documents:
            return
        with self._errors("indexing"):
            self._ensure_alias()
            self._bulk(self._index_actions(documents, self.alias), refresh="wait_for")

    def remove(self, page_ids: Iterable[int]) -> None:
        ids = sorted({int(page_id) for page_id in page_ids})
        if not ids:
            return
        with self._errors("removing documents"):
            if not self.client.indices.exists_alias(name=self.alias):
                return  # nothing was ever indexed
            actions = ({"_op_type": "delete", "_index": self.alias, "_id": str(i)} for i in ids)
            self._bulk(actions, refresh="wait_for")

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
                self._bulk(self._index_actions(documents, name, seen), progress)
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
        parsed = parse(query.text)
        with self._errors("searching"):
            response = self._search_request(parsed, query, match_all=True).execute().to_dict()
            matched_all = True
            if _total(response) == 0 and len(parsed.clauses) > 1:
                response = self._search_request(parsed, query, match_all=False).execute().to_dict()
                matched_all = False
            facets = self._facets(response, query)
        return SearchResults(
            query=query,
            hits=tuple(_hit(raw) for raw in response.get("hits", {}).get("hits", [])),
            total=_total(response),
            facets=facets,
            suggestion=_correction(parsed, response.get("suggest", {}).get("spelling", [])),
            matched_all_words=matched_all,
            engine=self.name,
        )

    def _text_query(self, parsed: ParsedQuery, match_all: bool) -> Q:
        if parsed.is_empty:
            text = Q("match_all")
        else:
            clauses = [_clause_query(clause.alternatives) for clause in parsed.clauses]
            text = (
                Q("bool", must=clauses)
                if match_all
                else Q("bool", should=clauses, minimum_should_match=1)
            )
        if parsed.excluded:
            excluded = [
                Q("multi_match", query=word, fields=SEARCH_FIELDS) for word in parsed.excluded
            ]
            text = Q("bool", must=[text], must_not=excluded)
        return text

    def _search_request(self, parsed: ParsedQuery, query: SearchQuery, match_all: bool) -> Search:
        filters = _facet_filters(query.filters)
        search = Search(using=self.client, index=self.alias).query(
            self._text_query(parsed, match_all)
        )
        if filters:
            search = search.post_filter(Q("bool", filter=list(filters.values())))
        for key, _ in FACETS:
            others = [q for other, q in filters.items() if other != key]
            search.aggs.bucket(
                key, "filter", filter=Q("bool", filter=others) if others else Q("match_all")
            ).bucket("values", "terms", field=f"facets.{key}", size=FACET_SIZE)
        newest = ({"release_date": {"order": "desc", "missing": "_last"}}, {"page_id": "desc"})
        if parsed.is_empty or query.sort == "newest":
            search = search.sort(*newest)
        else:
            search = search.sort("_score", *newest)
        if not parsed.is_empty:
            search = search.highlight_options(
                pre_tags=[MARK_START],
                post_tags=[MARK_END],
                encoder="default",
                # Highlight the start of a huge body instead of failing the search.
                max_analyzed_offset=MAX_ANALYZED_OFFSET,
            )
            search = search.highlight("title", number_of_fragments=0)
            search = search.highlight(
                "body", "objectives", "summary", fragment_size=200, number_of_fragments=1
            )
            spelling = _spelling_candidates(parsed)
            if spelling:
                search = search.suggest(
                    "spelling",
                    " ".join(spelling),
                    term={"field": "spell", "suggest_mode": "missing", "size": 1},
                )
        start = max(query.offset, 0)
        size = max(0, min(query.per_page, MAX_RESULT_WINDOW - start))
        if size == 0:
            start = 0  # past Elasticsearch's result window: no hits, but the total
        return search.source(HIT_SOURCE).extra(track_total_hits=True)[start : start + size]

    def _facets(self, response: dict, query: SearchQuery) -> tuple[Facet, ...]:
        aggregations = response.get("aggregations", {})
        counted: dict[str, dict[str, tuple[str, int]]] = {}
        for key, _ in FACETS:
            buckets = aggregations.get(key, {}).get("values", {}).get("buckets", [])
            values = {}
            for bucket in buckets:
                value, label = _split_pair(bucket["key"])
                values[value] = (label, bucket["doc_count"])
            counted[key] = values
        missing = {
            key: [v for v in query.filters.get(key, ()) if v not in counted.get(key, {})]
            for key in FILTER_FIELDS
        }
        labels = self._labels({k: v for k, v in missing.items() if v})
        facets = []
        for key, label in FACETS:
            values = counted[key]
            selected = set(query.filters.get(key, ()))
            for value in missing.get(key, []):
                values[value] = (labels.get((key, value), value), 0)
            items = sorted(
                (
                    FacetValue(value, lbl, count, value in selected)
                    for value, (lbl, count) in values.items()
                ),
                key=lambda item: (-item.count, item.label.casefold(), item.value),
            )
            if items:
                facets.append(Facet(key=key, label=label, values=tuple(items)))
        return tuple(facets)

    def _labels(self, missing: dict[str, list[str]]) -> dict[tuple[str, str], str]:
        """Labels of selected facet values no result has (so their count is 0)."""
        if not missing:
            return {}
        search = Search(using=self.client, index=self.alias).extra(size=0)
        for key, values in missing.items():
            search.aggs.bucket(key, "filter", filter=Q("terms", **{FILTER_FIELDS[key]: values}))
            search.aggs[key].bucket("values", "terms", field=f"facets.{key}", size=FACET_SIZE)
        aggregations = search.execute().to_dict().get("aggregations", {})
        labels = {}
        for key in missing:
            for bucket in aggregations.get(key, {}).get("values", {}).get("buckets", []):
                value, label = _split_pair(bucket["key"])
                labels[(key, value)] = label
        return labels

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        prefix = clean_query(text)[0][:50].strip()
        if len(prefix) < 2 or limit <= 0:
            return []
        search = (
            Search(using=self.client, index=self.alias)
            .source(["title", "url", "kind"])
            .extra(size=0)
            .suggest(
                "titles",
                prefix,
                completion={
                    "field": "suggest",
                    "size": limit,
                    "skip_duplicates": True,
                    "fuzzy": {"fuzziness": "AUTO", "prefix_length": 1},
                },
            )
        )
        with self._errors("suggesting titles"):
            response = search.execute().to_dict()
        suggestions, seen = [], set()
        for entry in response.get("suggest", {}).get("titles", []):
            for option in entry.get("options", []):
                source = option.get("_source", {})
                if option.get("_id") in seen or not source.get("title"):
                    continue
                seen.add(option.get("_id"))
                suggestions.append(
                    Suggestion(
                        title=source["title"],
                        url=source.get("url", ""),
                        kind=source.get("kind", ""),
                    )
                )
        return suggestions[:limit]

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


# --- Query and response helpers ----------------------------------------------------


def _clause_query(alternatives: tuple[tuple[str, ...], ...]) -> Q:
    """Any alternative of a clause: a word (fuzzy) or a phrase (exact)."""
    queries = []
    for words in alternatives:
        if len(words) == 1:
            queries.append(
                Q(
                    "multi_match",
                    query=words[0],
                    fields=SEARCH_FIELDS,
                    fuzziness="AUTO",
                    prefix_length=1,
                )
            )
        else:
            queries.append(
                Q("multi_match", query=" ".join(words), fields=SEARCH_FIELDS, type="phrase")
            )
    return queries[0] if len(queries) == 1 else Q("bool", should=queries, minimum_should_match=1)


def _facet_filters(filters: dict[str, tuple[str, ...]]) -> dict[str, Q]:
    """One terms filter per facet with selected values (OR within a facet)."""
    return {
        key: Q("terms", **{FILTER_FIELDS[key]: list(values)})
        for key, values in filters.items()
        if key in FILTER_FIELDS and values
    }


def _total(response: dict) -> int:
    total = response.get("hits", {}).get("total", 0)
    return total.get("value", 0) if isinstance(total, dict) else int(total)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def _hit(raw: dict) -> Hit:
    source = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    fragments = [
        (text.count(MARK_START), -rank, text)
        for rank, field in enumerate(("body", "objectives", "summary"))
        for text in highlight.get(field, [])[:1]
    ]
    snippet = max(fragments)[2] if fragments else source.get("summary", "")
    facets = source.get("facets") or {}
    credits = source.get("credits")
    return Hit(
        page_id=int(source.get("page_id") or raw["_id"]),
        kind=source.get("kind", ""),
        title=source.get("title", ""),
        url=source.get("url", ""),
        summary=source.get("summary", ""),
        title_highlight=(highlight.get("title") or [source.get("title", "")])[0],
        snippet=snippet,
        mentors=tuple(_split_pair(pair)[1] for pair in facets.get("mentor", [])),
        topics=tuple(_split_pair(pair)[1] for pair in facets.get("topic", [])),
        credits=decimal.Decimal(str(credits)) if credits is not None else None,
        release_date=_date(source.get("release_date")),
    )


def _synonym_words() -> set[str]:
    return {term[0] for group in synonym_groups() for term in group if len(term) == 1}


def _spelling_candidates(parsed: ParsedQuery) -> list[str]:
    """Words typed (not abbreviations from the synonym list) worth checking."""
    synonyms = _synonym_words()
    return [word for word in parsed.plain_words if word not in synonyms]


def _literal(replacement: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts the text as it is (no backslash escapes)."""
    return lambda _match: replacement


def _correction(parsed: ParsedQuery, entries: list[dict]) -> str:
    """The query with each misspelt word replaced by the best suggestion."""
    text = parsed.text
    for entry in entries:
        options = entry.get("options") or []
        if not options:
            continue
        word, better = entry.get("text", ""), options[0].get("text", "")
        if not word or not better:
            continue
        pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
        text = pattern.sub(_literal(better), text)
    return text if text.casefold() != parsed.text.casefold() else ""
