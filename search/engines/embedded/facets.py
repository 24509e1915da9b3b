"""Facet filters as SQL, and disjunctive facet counts."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import Q

from search.models import FacetValue as StoredFacetValue

from ..base import FACETS, Facet, FacetValue

# Chosen values per facet key, as in SearchQuery.filters.
Filters = dict[str, tuple[str, ...]]

# skip -> SELECT of the ids of matching documents, filtered by every facet but
# `skip`; "" when every document matches.
MatchingIds = Callable[[str | None], tuple[str, list]]


def filter_subqueries(filters: Filters, skip: str | None = None) -> list[tuple[str, list]]:
    """One SELECT of document ids per filtered facet (values OR'ed)."""
    subqueries = []
    for facet, values in filters.items():
        if facet == skip:
            continue
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


def filter_sql(column: str, filters: Filters, skip: str | None = None) -> tuple[list[str], list]:
    """Conditions on `column`. Callers pass "+column" where SQLite would
    otherwise push "id IN (...)" into the FTS5 table or the primary key as
    thousands of separate look-ups (35 ms instead of 1 for a broad filter)."""
    conditions: list[str] = []
    params: list = []
    for sql, sql_params in filter_subqueries(filters, skip):
        conditions.append(f"{column} IN ({sql})")
        params += sql_params
    return conditions, params


# (facet keys counted, {(facet, value): (label, count)}) for one group of facets.
GroupCounts = tuple[set[str], dict[tuple[str, str], tuple[str, int]]]


def facet_groups(filters: Filters) -> list[tuple[str | None, set[str]]]:
    """The groups counted separately: the unfiltered facets together (skip
    None: every filter applies), then each filtered facet on its own (every
    filter but its own applies)."""
    all_keys = {key for key, _ in FACETS}
    groups: list[tuple[str | None, set[str]]] = [(None, all_keys - set(filters))]
    groups += [(key, {key}) for key, _ in FACETS if key in filters]
    return [(skip, keys) for skip, keys in groups if keys]


def count_facets(filters: Filters, matching_ids: MatchingIds) -> tuple[Facet, ...]:
    """Disjunctive facet counts: a facet's counts apply every other
    facet's filters but not its own, so choosing "Pediatrics" still shows
    how many results "Emergency medicine" would add. One GROUP BY over
    integer value ids per group of facets, driven by the matching
    documents; then one query for the names of the values found."""
    all_keys = {key for key, _ in FACETS}
    results = []
    with connection.cursor() as cursor:
        for skip, keys in facet_groups(filters):
            ids_sql, params = matching_ids(skip)
            conditions = [f"e.document_id IN ({ids_sql})"] if ids_sql else []
            if keys != all_keys:
                # With a set of documents, drive from it (the "+" keeps
                # SQLite off the value index); over all documents, the
                # value index is the way in.
                column = "+e.facet_value_id" if ids_sql else "e.facet_value_id"
                marks = ", ".join(["%s"] * len(keys))
                conditions.append(
                    f"{column} IN (SELECT id FROM search_facetvalue WHERE facet IN ({marks}))"
                )
                params = params + sorted(keys)
            where = " WHERE " + " AND ".join(conditions) if conditions else ""
            cursor.execute(
                f"SELECT e.facet_value_id, COUNT(*) FROM search_facetentry e{where} "
                "GROUP BY e.facet_value_id",
                params,
            )
            results.append((keys, dict(cursor.fetchall())))
    found = set().union(*(counts for _, counts in results)) if results else set()
    chosen_pairs = [(key, value) for key, values in filters.items() for value in values]
    stored: dict[int, StoredFacetValue] = {}
    if found or chosen_pairs:
        condition = Q(pk__in=list(found))
        for key, value in chosen_pairs:
            condition |= Q(facet=key, value=value)
        stored = {v.pk: v for v in StoredFacetValue.objects.filter(condition)}
    groups: list[GroupCounts] = []
    for keys, group_counts in results:
        named = {}
        for value_id, count in group_counts.items():
            entry = stored.get(value_id)
            if entry is not None:
                named[(entry.facet, entry.value)] = (entry.label, count)
        groups.append((keys, named))
    labels = {(v.facet, v.value): v.label for v in stored.values()}
    return facets_from_counts(filters, groups, labels)


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
