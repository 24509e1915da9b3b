"""The search page's GET form.

Everything in a search address is typed or pasted by someone, or comes from
an old bookmark, so nothing here is ever an error: unusable filter values are
ignored, a bad page number becomes 1 (or the last page, see the view), an
unknown sort becomes relevance, and control characters (NUL included, which
Django's CharField would otherwise reject) are removed before validation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable
from typing import Any

from django import forms
from django.http import QueryDict

from cms.choices import AudienceLevel, Topic
from cms.integers import parse_int

from .engines.base import FACETS, SORTS, SearchQuery
from .query import clean_query

PER_PAGE = 10
# Beyond this the view shows the last page of results instead; it also keeps
# OFFSET arithmetic in the engines small.
MAX_PAGE = 10_000
# Facet values are slugs (tag slugs may contain non-ASCII letters) or the
# audience keys ("early_career").
FACET_TOKEN = re.compile(r"^[\w-]{1,80}$")
MAX_VALUES_PER_FACET = 20
# Facets whose values are a fixed vocabulary, with their labels: anything
# else is ignored. The others (specialty tags, mentors) are checked for shape
# only; the engine shows a value it does not know as chosen with no results,
# so it can be unticked.
FIXED_LABELS = {
    "type": {"guide": "Guide", "path": "Learning path"},
    "topic": dict(Topic.choices),
    "audience": dict(AudienceLevel.choices),
    "credit": {"yes": "Offers CME credit"},
}
SORT_LABELS = {"relevance": "Relevance", "newest": "Newest"}
SORT_CHOICES = tuple((value, SORT_LABELS.get(value, value.title())) for value in SORTS)


def without_controls(value: str) -> tuple[str, bool]:
    """The value with control characters (other than ordinary whitespace)
    replaced by spaces, and whether there were any."""
    found = False
    chars = []
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
            found = True
            chars.append(" ")
        else:
            chars.append(ch)
    return ("".join(chars), True) if found else (value, False)


class FacetValuesField(forms.Field):
    """Zero or more facet values. Values that are not slug-like are dropped,
    never reported: facet values come from the index, and an address with a
    stale or mangled value should still show results."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, allowed: Container[str] | None = None, **kwargs: Any) -> None:
        self.allowed = allowed
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> tuple[str, ...]:
        if not value:
            return ()
        if isinstance(value, str):
            value = [value]
        tokens: list[str] = []
        for item in value:
            item = str(item).strip()
            if (
                FACET_TOKEN.match(item)
                and (self.allowed is None or item in self.allowed)
                and item not in tokens
            ):
                tokens.append(item)
        return tuple(tokens[:MAX_VALUES_PER_FACET])

    def validate(self, value: Any) -> None:
        """Nothing to check: to_python already dropped what cannot be used."""


class LenientChoiceField(forms.Field):
    """One of `choices`, or the first choice for anything else."""

    def __init__(self, *, choices: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        self.choices = tuple(choices)
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> str:
        values = [v for v, _ in self.choices]
        return value if value in values else values[0]


class PageNumberField(forms.Field):
    """A page number: at least 1; garbage is 1; huge is MAX_PAGE."""

    def to_python(self, value: Any) -> int:
        value = (value or "").strip()
        if not value.isdigit() or not value.isascii():
            return 1
        number = parse_int(value, max_value=None, max_digits=len(str(MAX_PAGE)))
        return MAX_PAGE if number is None else min(max(number, 1), MAX_PAGE)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search guides and learning paths", required=False, strip=True)
    page = PageNumberField(required=False)
    sort = LenientChoiceField(label="Sort by", choices=SORT_CHOICES)
    # "1" from the "Search instead for ..." link: the words as typed, never
    # replaced by their spelling correction. Anything else means no.
    as_typed = LenientChoiceField(choices=(("", "Correct spelling"), ("1", "As typed")))

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        self.removed_characters = False
        self.truncated = False
        if data is not None:
            data = self._sanitised(data)
        super().__init__(data, *args, **kwargs)
        for key, label in FACETS:
            self.fields[key] = FacetValuesField(
                label=label, required=False, allowed=FIXED_LABELS.get(key)
            )

    def _sanitised(self, data: QueryDict) -> QueryDict:
        """A copy of the data without control characters. NUL would make
        CharField raise a validation error the user can do nothing about."""
        clean = QueryDict(mutable=True)
        for key, values in data.lists():
            key, _ = without_controls(key)
            for value in values:
                value, removed = without_controls(value)
                if removed and key == "q":
                    self.removed_characters = True
                clean.appendlist(key, value)
        return clean

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        text, self.truncated = clean_query(cleaned.get("q") or "")
        cleaned["q"] = text
        return cleaned

    # What the view needs, available once is_valid() has been called (it
    # always returns True).

    @property
    def query_text(self) -> str:
        return self.cleaned_data.get("q", "")

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        return {key: self.cleaned_data[key] for key, _ in FACETS if self.cleaned_data.get(key)}

    @property
    def has_criteria(self) -> bool:
        return bool(self.query_text or self.filters)

    def search_query(self, page: int | None = None) -> SearchQuery:
        return SearchQuery(
            text=self.query_text,
            filters=self.filters,
            page=page or self.cleaned_data.get("page") or 1,
            per_page=PER_PAGE,
            sort=self.cleaned_data.get("sort") or SORTS[0],
            correct_spelling=not self.words_as_typed,
        )

    @property
    def words_as_typed(self) -> bool:
        return self.cleaned_data.get("as_typed") == "1"

    def params(
        self,
        *,
        filters: bool = True,
        sort: bool = True,
        as_typed: bool | None = None,
        **override: str,
    ) -> QueryDict:
        """The cleaned search as query parameters (no page), for links that
        keep the search: pagination, "did you mean", "clear filters", "search
        instead for". A new text ("did you mean") is spelling-corrected again
        unless `as_typed` says otherwise."""
        params = QueryDict(mutable=True)
        text = override.get("q", self.query_text)
        if text:
            params["q"] = text
        if as_typed is None:
            as_typed = self.words_as_typed and "q" not in override
        if as_typed and text:
            params["as_typed"] = "1"
        if filters:
            for key, values in self.filters.items():
                params.setlist(key, list(values))
        if sort and self.cleaned_data.get("sort", SORTS[0]) != SORTS[0]:
            params["sort"] = self.cleaned_data["sort"]
        return params
