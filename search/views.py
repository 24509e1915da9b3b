"""The search page and the search box's suggestions. Thin: the form turns the
address into a SearchQuery, site_search answers it, templates show it."""

from __future__ import annotations

import dataclasses
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from . import site_search
from .engines import Hit
from .engines.base import MARK_END, MARK_START
from .forms import SORT_CHOICES, SearchForm, without_controls
from .query import clean_query

SUGGEST_MIN_CHARS = 2
SUGGEST_LIMIT = 8
KIND_LABELS = {"guide": "Guide", "path": "Learning path"}
EXAMPLE_SEARCHES = (
    "difficult conversation with a family",
    "negotiating my first contract",
    "MI in young women",
)
_MARKERS = re.compile(f"({MARK_START}|{MARK_END})")


def highlight(text: str) -> SafeString:
    """Escape the text, then turn the engine's highlight markers into <mark>
    elements. Escaping comes first, so nothing in a title, a snippet or the
    query can become markup; markers that do not pair up are dropped."""
    parts: list[str] = []
    open_at: int | None = None
    for piece in _MARKERS.split(escape(text or "")):
        if piece == MARK_START:
            if open_at is None:
                open_at = len(parts)
                parts.append("<mark>")
        elif piece == MARK_END:
            if open_at is not None:
                parts.append("</mark>")
                open_at = None
        elif piece:
            parts.append(piece)
    if open_at is not None:
        parts[open_at] = ""
    return mark_safe("".join(parts).replace("<mark></mark>", ""))  # noqa: S308 - escaped above


@dataclasses.dataclass(frozen=True)
class ResultItem:
    """A hit as the result template shows it."""

    hit: Hit

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.hit.kind, "Guide")

    @property
    def title_html(self) -> SafeString:
        return highlight(self.hit.title_highlight or self.hit.title)

    @property
    def snippet_html(self) -> SafeString:
        return highlight(self.hit.snippet or self.hit.summary)


@dataclasses.dataclass(frozen=True)
class ResultPage:
    """Just enough of Django's Page for the pagination template."""

    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()  # always valid: the form drops what it cannot use
    context = {
        "form": form,
        "query": form.query_text,
        "sort": form.cleaned_data["sort"],
        "sort_choices": SORT_CHOICES,
        "examples": EXAMPLE_SEARCHES,
        "results": None,
    }
    if form.has_criteria:
        query = form.search_query()
        answer = site_search.search(query)
        if answer.results.total and query.page > answer.results.pages:
            # An old bookmark or a hand-typed page number past the end.
            query = dataclasses.replace(query, page=answer.results.pages)
            answer = site_search.search(query)
        results = answer.results
        params = form.params()
        context.update(
            # Corrected ("burnot" found nothing, "burnout" did): the page,
            # search box included, is about the corrected words.
            query=results.corrected_query or form.query_text,
            typed_query=form.query_text,
            as_typed_params=form.params(as_typed=True) if results.corrected_query else None,
            results=results,
            notice=answer.notice,
            items=[ResultItem(hit) for hit in results.hits],
            page_obj=ResultPage(number=query.page, num_pages=results.pages),
            params=params,
            facets=[facet for facet in results.facets if facet.values],
            filtered=bool(form.filters),
            clear_filters_params=form.params(filters=False),
            suggestion_params=form.params(q=results.suggestion) if results.suggestion else None,
            unavailable=answer.unavailable,
        )
        if answer.unavailable:
            # A normal page that says so; never kept by a cache.
            response = render(request, "search/search.html", context, status=503)
            add_never_cache_headers(response)
            return response
    return render(request, "search/search.html", context)


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """Titles completing what has been typed: {"query", "suggestions": [...]}."""
    text, _ = clean_query(without_controls(request.GET.get("q", ""))[0])
    found = site_search.suggest(text, SUGGEST_LIMIT) if len(text) >= SUGGEST_MIN_CHARS else []
    response = JsonResponse(
        {
            "query": text,
            "suggestions": [
                {
                    "title": s.title,
                    "url": s.url,
                    "kind": s.kind,
                    "kind_label": KIND_LABELS.get(s.kind, "Guide"),
                }
                for s in found
            ],
        }
    )
    patch_cache_control(response, max_age=60)
    return response
