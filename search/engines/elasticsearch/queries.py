"""Search requests: the full-text query, facet filters and aggregations,
highlighting, paging, completion and the look-up of facet labels."""

from __future__ import annotations

from elasticsearch import Elasticsearch
from elasticsearch_dsl import Q, Search

from search.query import ParsedQuery

from ..base import FACETS, MARK_END, MARK_START, SearchQuery
from .mapping import FILTER_FIELDS
from .spelling import spelling_candidates

SEARCH_FIELDS = ["title^5", "summary^3", "objectives^2", "meta_text^2", "body"]
HIT_SOURCE = ["page_id", "kind", "title", "url", "summary", "credits", "release_date", "facets"]
FACET_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
MAX_ANALYZED_OFFSET = 999_999  # below index.highlight.max_analyzed_offset (1,000,000)
# Above the BM25 score of all the clauses a document can match together (a
# clause scores at most a few hundred), below float precision trouble.
MATCHED_CLAUSE_SCORE = 10_000


def clause_query(alternatives: tuple[tuple[str, ...], ...]) -> Q:
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


def facet_filters(filters: dict[str, tuple[str, ...]]) -> dict[str, Q]:
    """One terms filter per facet with selected values (OR within a facet)."""
    return {
        key: Q("terms", **{FILTER_FIELDS[key]: list(values)})
        for key, values in filters.items()
        if key in FILTER_FIELDS and values
    }


def text_query(parsed: ParsedQuery, match_all: bool) -> Q:
    """Every clause (match_all) or any of them, minus the excluded words.

    With any of them, each clause a document matches adds MATCHED_CLAUSE_SCORE
    to its score, more than any clause's own relevance, so documents matching
    more of the words come first; among those matching as many, BM25 (whose
    inverse document frequency favours rarer words) orders them."""
    if parsed.is_empty:
        text = Q("match_all")
    else:
        clauses = [clause_query(clause.alternatives) for clause in parsed.clauses]
        if match_all:
            text = Q("bool", must=clauses)
        else:
            counted = [Q("constant_score", filter=c, boost=MATCHED_CLAUSE_SCORE) for c in clauses]
            text = Q("bool", should=clauses + counted, minimum_should_match=1)
    if parsed.excluded:
        excluded = [Q("multi_match", query=word, fields=SEARCH_FIELDS) for word in parsed.excluded]
        text = Q("bool", must=[text], must_not=excluded)
    return text


def search_request(
    client: Elasticsearch, alias: str, parsed: ParsedQuery, query: SearchQuery, match_all: bool
) -> Search:
    """One page of hits with highlights, every facet's counts (each facet
    filtered by the others) and spelling suggestions, in one request."""
    filters = facet_filters(query.filters)
    search = Search(using=client, index=alias).query(text_query(parsed, match_all))
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
        spelling = spelling_candidates(parsed)
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


def labels_request(client: Elasticsearch, alias: str, missing: dict[str, list[str]]) -> Search:
    """The labels of these facet values, as aggregations (no hits)."""
    search = Search(using=client, index=alias).extra(size=0)
    for key, values in missing.items():
        search.aggs.bucket(key, "filter", filter=Q("terms", **{FILTER_FIELDS[key]: values}))
        search.aggs[key].bucket("values", "terms", field=f"facets.{key}", size=FACET_SIZE)
    return search


def completion_request(client: Elasticsearch, alias: str, prefix: str, limit: int) -> Search:
    """Titles completing the prefix (fuzzy past the first letter)."""
    return (
        Search(using=client, index=alias)
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
