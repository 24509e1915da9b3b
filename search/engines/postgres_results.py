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
- ``m``: ids of the documents matching the text (every document for a
  browse with no text);
- ``hits``: those that pass every filter; a filter is an index probe per
  document on (document, facet value);
- the page: ranked (ts_rank) over ``hits`` only, or newest first;
- the counts: one GROUP BY over the facet entries of ``hits`` for the
  unfiltered facets, and for each filtered facet one over the documents
  passing every other filter, with the values' names joined in.
"""

from __future__ import annotations

import json

from .base import SearchQuery
from .embedded.engine import NEWEST_ORDER, RELEVANCE_ORDER
from .embedded.facets import Filters, GroupCounts, facet_groups

SqlPart = tuple[str, list]


def _value_ids(facet: str, values: tuple[str, ...]) -> SqlPart:
    marks = ", ".join(["%s"] * len(values))
    return (
        f"SELECT id FROM search_facetvalue WHERE facet = %s AND value IN ({marks})",
        [facet, *values],
    )


def _passes(column: str, filters: Filters, skip: str | None = None) -> SqlPart:
    """Conditions: the document in `column` has a chosen value of every
    filtered facet but `skip`. "" when there are none."""
    conditions, params = [], []
    for facet, values in filters.items():
        if facet == skip:
            continue
        sql, value_params = _value_ids(facet, values)
        conditions.append(
            "EXISTS (SELECT 1 FROM search_facetentry fe "
            f"WHERE fe.document_id = {column} AND fe.facet_value_id IN ({sql}))"
        )
        params += value_params
    return " AND ".join(conditions), params


def _documents(filters: Filters, skip: str | None = None) -> SqlPart | None:
    """Ids of the documents passing every filter but `skip`, for a browse (no
    text): driven by the entries of one filtered value, probing the others.
    None when no filter applies (every document)."""
    keys = [key for key in filters if key != skip]
    if not keys:
        return None
    first = keys[0]
    sql, params = _value_ids(first, filters[first])
    rest, rest_params = _passes("fe0.document_id", {k: filters[k] for k in keys[1:]})
    where = f" AND {rest}" if rest else ""
    return (
        f"SELECT DISTINCT fe0.document_id AS id FROM search_facetentry fe0 "
        f"WHERE fe0.facet_value_id IN ({sql}){where}",
        params + rest_params,
    )


def _subset(filters: Filters, skip: str | None) -> SqlPart:
    """Matching documents (``m``) passing every filter but `skip`."""
    condition, params = _passes("m.id", filters, skip)
    return (f"SELECT m.id FROM m WHERE {condition}" if condition else "SELECT m.id FROM m"), params


def _group_counts(source: SqlPart | None, keys: set[str] | None) -> SqlPart:
    """[[facet, value, label, count], ...] as JSON: counts of the values of
    `keys` (None: of every facet) among the documents of `source` (None:
    every document)."""
    sql, params = "", []
    conditions = []
    if source is not None:
        sql = f" JOIN ({source[0]}) s ON s.id = e.document_id"
        params += source[1]
    if keys is not None:
        marks = ", ".join(["%s"] * len(keys))
        conditions.append(
            f"e.facet_value_id IN (SELECT id FROM search_facetvalue WHERE facet IN ({marks}))"
        )
        params += sorted(keys)
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    return (
        "(SELECT json_agg(json_build_array(fv.facet, fv.value, fv.label, c.n)) FROM "
        f"(SELECT e.facet_value_id, COUNT(*) AS n FROM search_facetentry e{sql}{where} "
        "GROUP BY e.facet_value_id) c JOIN search_facetvalue fv ON fv.id = c.facet_value_id)",
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
    if q is not None:
        ctes.append(f"q AS MATERIALIZED ({q[0]})")
        params += q[1]
        ctes.append(
            "m AS MATERIALIZED (SELECT t.id FROM search_indexeddocument t, q "
            "WHERE t.search_vector @@ q.query)"
        )
        hits: SqlPart = _subset(filters, None)
    else:
        hits = _documents(filters) or ("SELECT d.id FROM search_indexeddocument d", [])
    hits_sql, hits_params = hits
    ctes.append(f"hits AS MATERIALIZED ({hits_sql})")
    params += hits_params
    if q is not None and query.sort != "newest":
        ctes.append(
            f"page AS (SELECT * FROM (SELECT t.id, {scored} FROM hits h "
            "JOIN search_indexeddocument t ON t.id = h.id, q) m "
            f"ORDER BY {RELEVANCE_ORDER} LIMIT %s OFFSET %s)"
        )
        page = f"ARRAY(SELECT m.id FROM page m ORDER BY {RELEVANCE_ORDER})"
    else:
        ctes.append(
            "page AS (SELECT d.id, d.release_date FROM hits h "
            "JOIN search_indexeddocument d ON d.id = h.id "
            f"ORDER BY {NEWEST_ORDER} LIMIT %s OFFSET %s)"
        )
        page = f"ARRAY(SELECT d.id FROM page d ORDER BY {NEWEST_ORDER})"
    params += [query.per_page, query.offset]
    columns = [page, "(SELECT COUNT(*) FROM hits)"]
    groups: list[set[str]] = []
    for skip, keys in facet_groups(filters):
        if skip is None:
            # Every filter applies: the hits. Values of filtered facets are
            # counted too, and ignored.
            sql, group_params = _group_counts(("SELECT id FROM hits", []), None)
        elif q is not None:
            sql, group_params = _group_counts(_subset(filters, skip), keys)
        else:
            sql, group_params = _group_counts(_documents(filters, skip), keys)
        columns.append(sql)
        params += group_params
        groups.append(keys)
    labels_sql, labels_params = _chosen_labels(filters)
    columns.append(labels_sql)
    params += labels_params
    statement = f"WITH {', '.join(ctes)} SELECT {', '.join(columns)}"
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
