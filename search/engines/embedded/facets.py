"""Facet filters as SQL (for ranking a page of results), and facets from
counts (the counting itself: facet_matrix.py)."""

from __future__ import annotations

from ..base import FACETS, Facet, FacetValue

# Chosen values per facet key, as in SearchQuery.filters.
Filters = dict[str, tuple[str, ...]]


def filter_subqueries(filters: Filters) -> list[tuple[str, list]]:
    """One SELECT of document ids per filtered facet (values OR'ed)."""
    subqueries = []
    for facet, values in filters.items():
        marks = ", ".join(["%s"] * len(values))
        subqueries.append(
            (
                "SELECT fe.document_id FROM search_facetentry fe "
                "JOIN search_facetvalue fv ON fv.id = fe.facet_value_id "
                f"WHERE fv.facet = %s AND fv.value IN ({marks})",
                [facet, *values],
            )
        )
    return subqueries


def filter_sql(column: str, filters: Filters) -> tuple[list[str], list]:
    """Conditions on `column`, for browsing: each filter's documents read
    once. Callers pass "+column" where SQLite would otherwise push "id IN
    (...)" into the primary key as thousands of separate look-ups (35 ms
    instead of 1 for a broad filter)."""
    conditions: list[str] = []
    params: list = []
    for sql, sql_params in filter_subqueries(filters):
        conditions.append(f"{column} IN ({sql})")
        params += sql_params
    return conditions, params


def match_filter_sql(column: str, filters: Filters) -> tuple[list[str], list]:
    """Conditions on `column`, for the matches of a text search: one probe
    of the entries' (document, value) index per match, instead of reading
    every document of a broad filter ("type = guide" is nearly all of them:
    at 100,000 guides, 4 ms instead of 13 for "telehealth" among guides).
    A browse must not use this: with no text, every document is probed."""
    conditions: list[str] = []
    params: list = []
    for facet, values in filters.items():
        marks = ", ".join(["%s"] * len(values))
        conditions.append(
            "EXISTS (SELECT 1 FROM search_facetentry fe "
            f"WHERE fe.document_id = {column} AND fe.facet_value_id IN "
            f"(SELECT id FROM search_facetvalue WHERE facet = %s AND value IN ({marks})))"
        )
        params += [facet, *values]
    return conditions, params


# (facet keys counted, {(facet, value): (label, count)}) for one group of facets.
GroupCounts = tuple[set[str], dict[tuple[str, str], tuple[str, int]]]


def facets_from_counts(
    filters: Filters, groups: list[GroupCounts], labels: dict[tuple[str, str], str]
) -> tuple[Facet, ...]:
    """The facets to show, from each group's counts (values of facets outside
    the group are ignored) and the labels of the chosen values."""
    counts: dict[str, dict[str, tuple[str, int]]] = {key: {} for key, _ in FACETS}
    for keys, group_counts in groups:
        for (facet, value), (label, count) in group_counts.items():
            if facet in keys:
                counts[facet][value] = (label, count)
    facets = []
    for key, label in FACETS:
        chosen = set(filters.get(key, ()))
        values = [
            FacetValue(value, value_label, count, value in chosen)
            for value, (value_label, count) in counts[key].items()
        ]
        # A chosen value with no results is still listed, by name, so it
        # can be unticked.
        values += [
            FacetValue(v, labels.get((key, v), v), 0, True)
            for v in sorted(chosen - {v.value for v in values})
        ]
        values.sort(key=lambda v: (-v.count, v.label.lower()))
        if values:
            facets.append(Facet(key, label, tuple(values)))
    return tuple(facets)
