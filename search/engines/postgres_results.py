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
"""

from __future__ import annotations

from .base import SearchQuery
from .embedded.engine import NEWEST_ORDER, RELEVANCE_ORDER
from .embedded.facet_matrix import INDEX_STATE_SQL, id_list_sql
from .embedded.facets import Filters

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
) -> tuple[str, list]:
    """The statement and its parameters. `q` selects ``query``, ``marks``
    (and what `scored` uses) for a text search, None for a browse; `scored`
    are the columns ranking a matching document ``t`` (score, matched,
    rarity); `order` ranks them (ALL_WORDS_ORDER when every word must match).

    It returns the page's ids, the index token, the page's `row_columns`
    (a JSON array of arrays, in no order) and, for a text search, the ids of
    every match (comma-separated) and the query to mark, all read in one
    snapshot."""
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
        ctes.append(
            f"m AS MATERIALIZED (SELECT t.id, t.release_date{columns} "
            "FROM search_indexeddocument t, q WHERE t.search_vector @@ q.query)"
        )
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
    if relevance:
        ctes.append(f"page AS (SELECT * FROM hits m ORDER BY {order} LIMIT %s OFFSET %s)")
        page = f"ARRAY(SELECT m.id FROM page m ORDER BY {order})"
    else:
        ctes.append(f"page AS (SELECT * FROM hits d ORDER BY {NEWEST_ORDER} LIMIT %s OFFSET %s)")
        page = f"ARRAY(SELECT d.id FROM page d ORDER BY {NEWEST_ORDER})"
    params += [query.per_page, query.offset]
    rows = ", ".join(f"d.{name}" for name in row_columns)
    columns_out = [
        page,
        INDEX_STATE_SQL,
        f"(SELECT json_agg(json_build_array({rows}))::text FROM search_indexeddocument d "
        "WHERE d.id IN (SELECT id FROM page))",
    ]
    if q is not None:
        columns_out.append(f"(SELECT {id_list_sql('m.id')} FROM m)")
        columns_out.append("(SELECT marks::text FROM q)")
    statement = f"WITH {', '.join(ctes)} SELECT {', '.join(columns_out)}"
    return statement, params
