"""Reading search responses: totals, hits, facet counts and title suggestions."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable

from ..base import FACETS, MARK_START, Facet, FacetValue, Hit, SearchQuery, Suggestion
from .mapping import FILTER_FIELDS, split_pair

# {facet key: [values]} -> {(facet key, value): label}
LabelLookup = Callable[[dict[str, list[str]]], dict[tuple[str, str], str]]


def total(response: dict) -> int:
    total = response.get("hits", {}).get("total", 0)
    return total.get("value", 0) if isinstance(total, dict) else int(total)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def hit(raw: dict) -> Hit:
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
        mentors=tuple(split_pair(pair)[1] for pair in facets.get("mentor", [])),
        topics=tuple(split_pair(pair)[1] for pair in facets.get("topic", [])),
        credits=decimal.Decimal(str(credits)) if credits is not None else None,
        release_date=_date(source.get("release_date")),
    )


def facets(response: dict, query: SearchQuery, labels_of: LabelLookup) -> tuple[Facet, ...]:
    """Facets with their counts; a selected value no result has is listed
    with a count of 0, under the label `labels_of` finds for it."""
    aggregations = response.get("aggregations", {})
    counted: dict[str, dict[str, tuple[str, int]]] = {}
    for key, _ in FACETS:
        buckets = aggregations.get(key, {}).get("values", {}).get("buckets", [])
        values = {}
        for bucket in buckets:
            value, label = split_pair(bucket["key"])
            values[value] = (label, bucket["doc_count"])
        counted[key] = values
    missing = {
        key: [v for v in query.filters.get(key, ()) if v not in counted.get(key, {})]
        for key in FILTER_FIELDS
    }
    labels = labels_of({k: v for k, v in missing.items() if v})
    found = []
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
            found.append(Facet(key=key, label=label, values=tuple(items)))
    return tuple(found)


def facet_labels(aggregations: dict, keys: Iterable[str]) -> dict[tuple[str, str], str]:
    """{(facet key, value): label} from the answer to queries.labels_request."""
    labels = {}
    for key in keys:
        for bucket in aggregations.get(key, {}).get("values", {}).get("buckets", []):
            value, label = split_pair(bucket["key"])
            labels[(key, value)] = label
    return labels


def suggestions(response: dict, limit: int) -> list[Suggestion]:
    """Distinct titles from the answer to queries.completion_request."""
    found, seen = [], set()
    for entry in response.get("suggest", {}).get("titles", []):
        for option in entry.get("options", []):
            source = option.get("_source", {})
            if option.get("_id") in seen or not source.get("title"):
                continue
            seen.add(option.get("_id"))
            found.append(
                Suggestion(
                    title=source["title"],
                    url=source.get("url", ""),
                    kind=source.get("kind", ""),
                )
            )
    return found[:limit]
