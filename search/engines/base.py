"""The one interface every search engine implements, and the value objects
that cross it. Views, tasks and the management command only see these."""

from __future__ import annotations

import abc
import dataclasses
import datetime
import decimal
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from search.abbreviations import expansions_in

# Facets, in the order the search page shows them: (key, label).
FACETS = (
    ("type", "Type"),
    ("topic", "Topic"),
    ("specialty", "Specialty"),
    ("audience", "Audience level"),
    ("mentor", "Mentor"),
    ("credit", "CME credit"),
)
FACET_KEYS = tuple(key for key, _ in FACETS)

SORTS = ("relevance", "newest")

# Highlight markers: engines wrap matched words in these two private-use
# characters; the search page escapes everything and only then turns them
# into <mark> elements. Indexed text has them removed (documents.clean_text).
MARK_START = "\ue000"
MARK_END = "\ue001"


class EngineUnavailable(Exception):
    """The engine cannot be reached or refused the request. Callers fall back
    or queue the update; they never swallow it silently."""


@dataclass(frozen=True)
class SearchDocument:
    """What is indexed for one published guide or learning path."""

    page_id: int
    kind: str  # "guide" or "path"
    title: str
    url: str
    summary: str
    objectives: str
    body: str
    # Multi-valued facets: lists of (value, label).
    topics: tuple[tuple[str, str], ...] = ()
    specialties: tuple[tuple[str, str], ...] = ()
    audiences: tuple[tuple[str, str], ...] = ()
    mentors: tuple[tuple[str, str], ...] = ()
    credits: decimal.Decimal | None = None
    release_date: datetime.date | None = None
    last_reviewed: datetime.date | None = None

    @property
    def credit_bearing(self) -> bool:
        return bool(self.credits and self.credits > 0)

    @property
    def kind_label(self) -> str:
        return "Learning path" if self.kind == "path" else "Guide"

    def facet_values(self) -> dict[str, tuple[tuple[str, str], ...]]:
        return {
            "type": ((self.kind, self.kind_label),),
            "topic": self.topics,
            "specialty": self.specialties,
            "audience": self.audiences,
            "mentor": self.mentors,
            "credit": (("yes", "Offers CME credit"),) if self.credit_bearing else (),
        }

    @functools.cached_property
    def meta_text(self) -> str:
        """Classification words that should also match free text: a search for
        "pediatrics" or a mentor's name finds their guides. Also the spelt-out
        forms of capitals-only abbreviations the text uses ("CAP" adds
        "community acquired pneumonia"; see search/abbreviations.py)."""
        labels = [
            label
            for values in (self.topics, self.specialties, self.audiences, self.mentors)
            for _, label in values
        ]
        labels += expansions_in(self.title, self.summary, self.objectives, self.body)
        return " ".join(labels)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    # False: search the words as typed, never a spelling correction of them
    # (the "Search instead for ..." link).
    correct_spelling: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Hit:
    page_id: int
    kind: str
    title: str
    url: str
    summary: str
    # Title and snippet with MARK_START/MARK_END around matched words; plain
    # text otherwise. Never HTML.
    title_highlight: str
    snippet: str
    mentors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    credits: decimal.Decimal | None = None
    release_date: datetime.date | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Suggestion:
    title: str
    url: str
    kind: str


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    hits: tuple[Hit, ...]
    total: int
    facets: tuple[Facet, ...]
    # "Did you mean": the query with misspelt words corrected, or "".
    suggestion: str = ""
    # False when no document matched every word and the engine returned
    # documents matching some of them instead.
    matched_all_words: bool = True
    engine: str = ""
    # When the typed words found nothing and their spelling correction did,
    # the hits are for this corrected text ("Showing results for burnout");
    # query.text is still what was typed. "" otherwise.
    corrected_query: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


ProgressCallback = Callable[[int], None]


def with_correction(
    query: SearchQuery, results: SearchResults, search: Callable[[SearchQuery], SearchResults]
) -> SearchResults:
    """Results for the spelling correction instead, when the typed words
    have none (or only some of the words match) and the correction has hits:
    a clinician who types "burnot" sees the guides on burnout, not an empty
    page. One more search, only when the engine proposed a correction."""
    if not query.correct_spelling or not results.suggestion:
        return results
    corrected = search(dataclasses.replace(query, text=results.suggestion, correct_spelling=False))
    if not corrected.total:
        return results
    if results.total and results.matched_all_words and not corrected.matched_all_words:
        return results  # the typed words matched (fuzzily) better than the correction
    return as_corrected(query, corrected, results.suggestion)


def as_corrected(query: SearchQuery, corrected: SearchResults, text: str) -> SearchResults:
    """The correction's results, answering the query as typed."""
    return dataclasses.replace(corrected, query=query, suggestion="", corrected_query=text)


class SearchEngine(abc.ABC):
    """An index of SearchDocuments. Every method either does what it says or
    raises EngineUnavailable."""

    #: Short name shown in `search_index status` and logs.
    name: str = ""
    #: True for engines outside the database (their writes can fail on their own).
    external: bool = False

    @abc.abstractmethod
    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace these documents."""

    @abc.abstractmethod
    def remove(self, page_ids: Iterable[int]) -> None:
        """Remove documents by page id; unknown ids are ignored."""

    @abc.abstractmethod
    def rebuild(
        self, documents: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Replace the whole index with these documents and return how many
        were indexed. Searches keep answering from the old index until the new
        one is complete."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Hits for one page of results, the total, facet counts and a
        spelling suggestion."""

    @abc.abstractmethod
    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Titles completing what has been typed so far."""

    @abc.abstractmethod
    def indexed_ids(self) -> set[int]:
        """Page ids of every document in the index (for `search_index status`)."""

    def problems(self) -> list[str]:
        """Why the engine cannot serve, for the system check; [] when it can."""
        return []
