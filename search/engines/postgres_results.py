"""One page of results on PostgreSQL in one statement: the matching documents
are found once (one GIN look-up, materialised), and the page, the total and
every facet count are derived from that set.

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
- the counts: one GROUP BY over the unnested ``facet_ids`` of ``hits`` for
  the unfiltered facets, and for each filtered facet one over the documents
  passing every other filter, with the values' names joined in. No facet
  entry is probed per match (a browse over every document counts the
  entries through their value index).
"""

from __future__ import annotations

import json

from .base import SearchQuery
from .embedded.engine import NEWEST_ORDER, RELEVANCE_ORDER
from .embedded.facets import Filters, GroupCounts, facet_groups

SqlPart = tuple[str, list]


def _value_ids(facet: str, values: tuple[str, ...]) -> SqlPart:
    """An integer[] of the ids of these values (evaluated once per statement)."""
    marks = ", ".join(["%s"] * len(values))
    return (
        f"ARRAY(SELECT id::integer FROM search_facetvalue WHERE facet = %s AND value IN ({marks}))",
        [facet, *values],
    )


def _passes(alias: str, filters: Filters, skip: str | None = None) -> SqlPart:
    """Conditions: the row `alias` (with its ``facet_ids``) has a chosen value
    of every filtered facet but `skip`. "" when there are none."""
    conditions, params = [], []
    for facet, values in filters.items():
        if facet == skip:
            continue
        sql, value_params = _value_ids(facet, values)
        conditions.append(f"{alias}.facet_ids && {sql}")
        params += value_params
    return " AND ".join(conditions), params


def _documents(filters: Filters, skip: str | None = None) -> SqlPart | None:
    """Documents (id, release_date, facet_ids) passing every filter but
    `skip`, for a browse (no text): those with a value of one filtered facet
    (through its facet entries), the others checked on the row. None when no
    filter applies (every document)."""
    keys = [key for key in filters if key != skip]
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


def _subset(filters: Filters, skip: str | None) -> SqlPart:
    """Matching documents (``m``) passing every filter but `skip`."""
    condition, params = _passes("m", filters, skip)
    return (f"SELECT * FROM m WHERE {condition}" if condition else "SELECT * FROM m"), params


def _group_counts(source: SqlPart | None, keys: set[str] | None) -> SqlPart:
    """[[facet, value, label, count], ...] as JSON: counts of the values of
    `keys` (None: of every facet) among the documents of `source` (rows with
    ``facet_ids``: their arrays are counted, no facet entry is read; None:
    every document, counted from the facet entries' value index)."""
    params: list = []
    where = ""
    if keys is not None:
        where = f" WHERE fv.facet IN ({', '.join(['%s'] * len(keys))})"
    if source is None:
        counted = "SELECT e.facet_value_id AS v, COUNT(*) AS n FROM search_facetentry e GROUP BY 1"
    else:
        counted = (
            "SELECT v, COUNT(*) AS n FROM "
            f"(SELECT unnest(s.facet_ids) AS v FROM ({source[0]}) s) u GROUP BY v"
        )
        params += source[1]
    params += sorted(keys or ())
    return (
        "(SELECT json_agg(json_build_array(fv.facet, fv.value, fv.label, c.n)) FROM "
        f"({counted}) c JOIN search_facetvalue fv ON fv.id = c.v{where})",
        params,
    )


def _chosen_labels(filters: Filters) -> SqlPart:
    """[[facet, value, label], ...] of the chosen values, as JSON."""
    if not filters:
        return "NULL", []
    conditions, params = [], []
    for facet, values in filters.items():
        marks = ", ".join(["%s"] * len(values))
        conditions.append(f"(facet = %s AND value IN ({marks}))")
        params += [facet, *values]
    return (
        "(SELECT json_agg(json_build_array(facet, value, label)) FROM search_facetvalue "
        f"WHERE {' OR '.join(conditions)})",
        params,
    )


def results_statement(
    q: SqlPart | None, scored: str, filters: Filters, query: SearchQuery
) -> tuple[str, list, list[set[str]]]:
    """The statement and its parameters, and the facet keys of each group of
    counts it returns. `q` selects ``query`` (and what `scored` uses) for a
    text search, None for a browse; `scored` are the columns ranking a
    matching document ``t`` (score, matched, rarity)."""
    ctes, params = [], []
    relevance = q is not None and query.sort != "newest"
    if q is not None:
        ctes.append(f"q AS MATERIALIZED ({q[0]})")
        params += q[1]
        # Each match's row is read once, here: what ranking, filters and
        # facet counts need is taken from it.
        columns = f", {scored}" if relevance else ""
        ctes.append(
            "m AS MATERIALIZED (SELECT t.id, t.release_date, t.facet_ids"
            f"{columns} FROM search_indexeddocument t, q WHERE t.search_vector @@ q.query)"
        )
        hits: SqlPart = _subset(filters, None)
    else:
        hits = _documents(filters) or (
            "SELECT d.id, d.release_date FROM search_indexeddocument d",
            [],
        )
    hits_sql, hits_params = hits
    ctes.append(f"hits AS MATERIALIZED ({hits_sql})")
    params += hits_params
    if relevance:
        ctes.append(f"page AS (SELECT * FROM hits m ORDER BY {RELEVANCE_ORDER} LIMIT %s OFFSET %s)")
        page = f"ARRAY(SELECT m.id FROM page m ORDER BY {RELEVANCE_ORDER})"
    else:
        ctes.append(f"page AS (SELECT * FROM hits d ORDER BY {NEWEST_ORDER} LIMIT %s OFFSET %s)")
        page = f"ARRAY(SELECT d.id FROM page d ORDER BY {NEWEST_ORDER})"
    params += [query.per_page, query.offset]
    columns_out = [page, "(SELECT COUNT(*) FROM hits)"]
    groups: list[set[str]] = []
    for skip, keys in facet_groups(filters):
        if skip is None:
            # Every filter applies: the hits (every document for a browse
            # without filters). Values of filtered facets are not counted.
            source: SqlPart | None = ("SELECT * FROM hits", [])
            if q is None and not filters:
                source = None
            sql, group_params = _group_counts(source, keys)
        elif q is not None:
            sql, group_params = _group_counts(_subset(filters, skip), keys)
        else:
            sql, group_params = _group_counts(_documents(filters, skip), keys)
        columns_out.append(sql)
        params += group_params
        groups.append(keys)
    labels_sql, labels_params = _chosen_labels(filters)
    columns_out.append(labels_sql)
    params += labels_params
    statement = f"WITH {', '.join(ctes)} SELECT {', '.join(columns_out)}"
    return statement, params, groups


def read_counts(
    row: tuple, groups: list[set[str]]
) -> tuple[list[int], int, list[GroupCounts], dict[tuple[str, str], str]]:
    """The page of ids, the total, each group's counts and the chosen values'
    labels, from the statement's one row."""
    ids, total, *rest = row
    *group_json, labels_json = rest
    counted: list[GroupCounts] = []
    for keys, found in zip(groups, group_json, strict=True):
        found = _json(found)
        counted.append((keys, {(f, v): (label, n) for f, v, label, n in found}))
    labels = {(f, v): label for f, v, label in _json(labels_json)}
    return list(ids), total, counted, labels


def _json(value: str | list | None) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
