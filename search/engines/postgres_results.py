"""One page of results on PostgreSQL in one statement: the matching documents
are found once (one GIN look-up, materialised), and the page and the ids of
every match (for the total and the facet counts, facet_matrix.py) are
derived from that set.

Why: run as separate statements (page, count, one facet count per group),
each repeated the match, and the planner could not see how many documents
a filter keeps ("type = guide" is nearly all of them). It then drove a facet
count from the filter's 10,000 entries and re-checked the text match on each
of them, detoasting 10,000 tsvectors (75-140 ms). Here the match comes first
and everything else probes it:

- ``q``: the tsquery (and, when not every word must match, each clause's
  tsquery and the logarithm of its document count);
- ``m``: the documents matching the text, each row read once for its id,
  release date, facet value ids (``facet_ids``, migration 0004) and rank;
- ``hits``: those that pass every filter, tested on ``facet_ids``; for a
  browse with no text, the documents with a chosen value of one filtered
  facet (through its facet entries), the other filters tested on the row;
- the page: ``hits`` in ts_rank order (ranked once, in ``m``), or newest
  first;
- the index token and the ids of every match (not only the filtered
  ones: a filtered facet's counts ignore its own filter), read in the same
  snapshot as the page;
- the page's rows (as JSON: one statement less than reading them after)
  and, for a text search, the query to mark (``q.marks``, without the
  excluded words).

A text search in which every word must match is sent as one such statement
a shard of the index (postgres_shards.py), each with its own top results and
their sort keys, merged by ``merge_pages``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from search.models import IndexedDocument

from .base import SearchQuery
from .embedded.engine import NEWEST_ORDER, RELEVANCE_ORDER, ResultPage
from .embedded.facet_matrix import INDEX_STATE_SQL, counts, id_list_sql, parse_ids
from .embedded.facets import Filters
from .embedded.marking import query_lexemes
from .postgres_shards import SHARDS, in_each_shard, in_shard, side_by_side

SqlPart = tuple[str, list]
# When every word must match, ``matched`` and ``rarity`` are 0 for every
# document: RELEVANCE_ORDER's order, two sort keys fewer.
ALL_WORDS_ORDER = "m.score, m.id DESC"


def _value_ids(facet: str, values: tuple[str, ...]) -> SqlPart:
    """An integer[] of the ids of these values (evaluated once per statement)."""
    marks = ", ".join(["%s"] * len(values))
    return (
        f"ARRAY(SELECT id::integer FROM search_facetvalue WHERE facet = %s AND value IN ({marks}))",
        [facet, *values],
    )


def _passes(alias: str, filters: Filters) -> SqlPart:
    """Conditions: the row `alias` (with its ``facet_ids``) has a chosen value
    of every filtered facet. "" when there are none."""
    conditions, params = [], []
    for facet, values in filters.items():
        sql, value_params = _value_ids(facet, values)
        conditions.append(f"{alias}.facet_ids && {sql}")
        params += value_params
    return " AND ".join(conditions), params


def _documents(filters: Filters) -> SqlPart | None:
    """Documents (id, release_date, facet_ids) passing every filter, for a
    browse (no text): those with a value of one filtered facet
    (through its facet entries), the others checked on the row. None when no
    filter applies (every document)."""
    keys = list(filters)
    if not keys:
        return None
    first = keys[0]
    marks = ", ".join(["%s"] * len(filters[first]))
    rest, rest_params = _passes("d", {k: filters[k] for k in keys[1:]})
    where = f" AND {rest}" if rest else ""
    return (
        "SELECT d.id, d.release_date, d.facet_ids FROM search_indexeddocument d "
        "WHERE d.id IN (SELECT fe.document_id FROM search_facetentry fe "
        "JOIN search_facetvalue fv ON fv.id = fe.facet_value_id "
        f"WHERE fv.facet = %s AND fv.value IN ({marks})){where}",
        [first, *filters[first], *rest_params],
    )


def _subset(filters: Filters) -> SqlPart:
    """Matching documents (``m``) passing every filter."""
    condition, params = _passes("m", filters)
    return (f"SELECT * FROM m WHERE {condition}" if condition else "SELECT * FROM m"), params


def results_statement(
    q: SqlPart | None,
    scored: str,
    filters: Filters,
    query: SearchQuery,
    row_columns: tuple[str, ...],
    order: str = RELEVANCE_ORDER,
    shard: int | None = None,
) -> tuple[str, list]:
    """The statement and its parameters. `q` selects ``query``, ``marks``
    (and what `scored` uses) for a text search, None for a browse; `scored`
    are the columns ranking a matching document ``t`` (score, matched,
    rarity); `order` ranks them (ALL_WORDS_ORDER when every word must match).

    It returns the page's ids, the index token, the page's `row_columns`
    (a JSON array of arrays, in no order) and, for a text search, the ids of
    every match (comma-separated) and the query to mark, all read in one
    snapshot.

    With `shard` (a text search in which every word must match), only that
    shard's matches, and its page is the shard's first ``offset +
    per_page`` results with their sort keys (a JSON array of [id, key]),
    for merge_pages; their rows only for the first page (later pages read
    them after the merge)."""
    ctes, params = [], []
    relevance = q is not None and query.sort != "newest"
    if q is not None:
        ctes.append(f"q AS MATERIALIZED ({q[0]})")
        params += q[1]
        # Each match's row is read once, here: what ranking and filters
        # need is taken from it (the facet ids only when filtering: the set
        # stays small enough for work_mem).
        columns = ", t.facet_ids" if filters else ""
        columns += f", {scored}" if relevance else ""
        select = (
            f"SELECT t.id, t.release_date{columns} FROM search_indexeddocument t, q "
            "WHERE t.search_vector @@ q.query AND {shard}"
        )
        if shard is None:
            ctes.append(f"m AS MATERIALIZED ({in_each_shard(select)})")
        else:
            ctes.append(f"m AS MATERIALIZED ({select.format(shard=in_shard('t', shard))})")
        hits: SqlPart = _subset(filters)
    else:
        # Not materialised: the page walks the newest-first index.
        hits = _documents(filters) or (
            "SELECT d.id, d.release_date FROM search_indexeddocument d",
            [],
        )
    hits_sql, hits_params = hits
    ctes.append(f"hits AS ({hits_sql})")
    params += hits_params
    sharded = shard is not None
    # The score as float8: exact for every float4, and printed with enough
    # digits to tell any two apart whatever the server's extra_float_digits.
    alias, key = ("m", "m.score::float8") if relevance else ("d", "d.release_date")
    order = order if relevance else NEWEST_ORDER
    ctes.append(f"page AS (SELECT * FROM hits {alias} ORDER BY {order} LIMIT %s OFFSET %s)")
    if sharded:
        page = (
            f"(SELECT json_agg(json_build_array({alias}.id, {key}) ORDER BY {order})::text "
            f"FROM page {alias})"
        )
        params += [query.offset + query.per_page, 0]
    else:
        page = f"ARRAY(SELECT {alias}.id FROM page {alias} ORDER BY {order})"
        params += [query.per_page, query.offset]
    rows = ", ".join(f"d.{name}" for name in row_columns)
    columns_out = [
        page,
        INDEX_STATE_SQL,
        "NULL"
        if sharded and query.offset
        else f"(SELECT json_agg(json_build_array({rows}))::text FROM search_indexeddocument d "
        "WHERE d.id IN (SELECT id FROM page))",
    ]
    if q is not None:
        columns_out.append(f"(SELECT {id_list_sql('m.id')} FROM m)")
        columns_out.append("(SELECT marks::text FROM q)")
    statement = f"WITH {', '.join(ctes)} SELECT {', '.join(columns_out)}"
    return statement, params


def merge_pages(pages: Sequence[str | None], newest: bool, offset: int, per_page: int) -> list[int]:
    """The ids of one page of results from each shard's first results with
    their sort keys (results_statement with a shard), in the order one
    statement over every shard gives: by relevance, the score (lower is
    better) then the newer id; newest first, the release date (no date
    first, as PostgreSQL puts NULL first in a descending order) then the
    newer id."""
    entries = [entry for text in pages for entry in json.loads(text or "[]")]
    if newest:
        entries.sort(key=lambda e: (e[1] is None, e[1] or "", e[0]), reverse=True)
    else:
        entries.sort(key=lambda e: (e[1], -e[0]))
    return [int(e[0]) for e in entries[offset : offset + per_page]]


def sharded_results(
    q: tuple[str, list],
    score: str,
    filters: Filters,
    query: SearchQuery,
    columns: tuple[str, ...],
) -> ResultPage | None:
    """A text search in which every word must match: one statement a shard
    of the index, read side by side (postgres_shards), and their first
    results merged into the page. Later pages read their rows after the
    merge (``rows`` None: _hits reads them by id). None when the shards
    cannot be read side by side."""
    statements = [
        results_statement(q, score, filters, query, columns, ALL_WORDS_ORDER, shard=k)
        for k in range(SHARDS)
    ]
    found = side_by_side(statements)
    if found is None:
        return None
    ids = merge_pages(
        [row[0] for row in found], query.sort == "newest", query.offset, query.per_page
    )
    matches = np.concatenate([parse_ids(row[3]) for row in found])
    # Each shard read the token in its own snapshot; a write between them
    # makes the facet counts read the index as it is now, at least as new.
    total, facets = counts(found[0][1], filters, matches)
    rows: dict[int, IndexedDocument] | None = None
    if not query.offset:
        wanted, rows = set(ids), {}
        for shard_rows in (row[2] for row in found):
            for values in json.loads(shard_rows or "[]", parse_float=Decimal):
                if values[0] in wanted:
                    row = IndexedDocument(**dict(zip(columns, values, strict=True)))
                    rows[row.id] = row
    return ResultPage(ids, total, facets, rows, query_lexemes(found[0][4] or ""))
