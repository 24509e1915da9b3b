"""EmbeddedEngine: answering searches and suggestions from the embedded
index. Writing the index is EmbeddedWriter's part (writing.py); the
full-text parts differ by database and live in sqlite.py and postgres.py."""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Iterable

from search.database import index_db
from search.models import IndexedDocument
from search.query import ParsedQuery, parse, words

from ..base import Facet, Hit, SearchQuery, SearchResults, Suggestion, as_corrected
from .facet_matrix import INDEX_STATE_SQL, counts, id_list_sql, parse_ids
from .facets import Filters, filter_sql, match_filter_sql
from .rows import hit_rows, hits_from_rows
from .spelling import spelling_suggestion
from .writing import EmbeddedWriter

# When not every word matches: documents matching more of the words first,
# then those whose words are rarer (a higher sum of inverse document
# frequencies), then the engine's own score. "work life balance" lists a
# guide with all three words, then one with "balance" and another word, then
# one with "work" and "life", then those with one word.
RELEVANCE_ORDER = "m.matched DESC, m.rarity DESC, m.score, m.id DESC"
NEWEST_ORDER = "d.release_date DESC, d.id DESC"


@dataclasses.dataclass(frozen=True)
class ResultPage:
    """One page of result ids, the total and the facets; an engine that read
    the page's rows in the same statement keeps them (``rows``), with the
    lexemes to mark in them (``lexemes``)."""

    ids: list[int]
    total: int
    facets: tuple[Facet, ...]
    rows: dict[int, IndexedDocument] | None = None
    lexemes: frozenset[str] = frozenset()


class EmbeddedEngine(EmbeddedWriter, abc.ABC):
    """Documents in ordinary tables; the subclass supplies full-text matching."""

    # --- what each database does differently --------------------------------

    @abc.abstractmethod
    def _match_sql(
        self, parsed: ParsedQuery, any_words: bool, scored: bool = True
    ) -> tuple[str, list]:
        """SQL selecting ``id`` of matching documents and, when `scored`,
        ``matched`` (how many clauses the document matches), ``rarity`` (higher
        when the clauses it matches are rarer: minus the sum of the logarithms
        of their document counts) and ``score`` (lower is better). With
        `any_words` false every document matches every clause, and matched
        and rarity may be constants (see RELEVANCE_ORDER)."""

    @abc.abstractmethod
    def _highlights(
        self, parsed: ParsedQuery, any_words: bool, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        """{row id: (title highlight, snippet)} for these rows."""

    @abc.abstractmethod
    def _word_in_index(self, word: str) -> bool:
        """Does the word (stemmed as the index stems it) occur anywhere?"""

    @abc.abstractmethod
    def _spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        """Likely corrections: (term, document count)."""

    @abc.abstractmethod
    def _suggest_queries(self, typed: list[str], prefix: str) -> Iterable[tuple[str, list]]:
        """SELECTs of document ids, best first, each taking a LIMIT: titles
        with every typed word (the last as a prefix), then anywhere. Taken
        one at a time until there are enough ids."""

    def _suggest_ids(self, typed: list[str], prefix: str, limit: int) -> list[int]:
        ids: list[int] = []
        with index_db.cursor() as cursor:
            for sql, params in self._suggest_queries(typed, prefix):
                cursor.execute(f"{sql} LIMIT %s", [*params, limit])
                ids += [row[0] for row in cursor.fetchall() if row[0] not in ids]
                if len(ids) >= limit:
                    break
        return ids[:limit]

    # --- reading -------------------------------------------------------------

    def indexed_ids(self) -> set[int]:
        return set(IndexedDocument.objects.values_list("page_id", flat=True))

    def search(self, query: SearchQuery) -> SearchResults:
        """The same rule as base.with_correction, in a cheaper order: when no
        document has every typed word, the correction is tried before the
        any-word search, which is skipped (with its facet counts) when the
        correction has results."""
        parsed = parse(query.text)
        filters = {k: v for k, v in query.filters.items() if v}
        any_words = False
        suggestion = ""
        page = self._results(parsed, False, filters, query)
        if page.total == 0 and not parsed.is_empty:
            suggestion = self._spelling_suggestion(parsed)
            if suggestion and query.correct_spelling:
                corrected = self.search(
                    dataclasses.replace(query, text=suggestion, correct_spelling=False)
                )
                if corrected.total:
                    return as_corrected(query, corrected, suggestion)
            if len(parsed.clauses) > 1:
                any_words = True
                page = self._results(parsed, True, filters, query)
        hits = self._hits(parsed, any_words, page)
        return SearchResults(
            query=query,
            hits=hits,
            total=page.total,
            facets=page.facets,
            suggestion=suggestion,
            matched_all_words=not any_words,
            engine=self.name,
        )

    def _results(
        self, parsed: ParsedQuery, any_words: bool, filters: Filters, query: SearchQuery
    ) -> ResultPage:
        """The page of ids (ranked in SQL), then the total and facet counts
        from the ids of every match (facet_matrix). PostgreSQL reads both in
        one statement (postgres.py)."""
        ids = self._page_ids(parsed, any_words, filters, query)
        with index_db.cursor() as cursor:
            if parsed.is_empty:
                cursor.execute(f"SELECT {INDEX_STATE_SQL}")
                token, matches = cursor.fetchone()[0], None
            else:
                plain, params = self._match_sql(parsed, any_words, scored=False)
                cursor.execute(
                    f"SELECT {INDEX_STATE_SQL}, {id_list_sql('m.id')} FROM ({plain}) m", params
                )
                token, found = cursor.fetchone()
                matches = parse_ids(found)
        total, facets = counts(token, filters, matches)
        return ResultPage(ids, total, facets)

    def _page_ids(
        self, parsed: ParsedQuery, any_words: bool, filters: Filters, query: SearchQuery
    ) -> list[int]:
        """Ids of one page of results: ranking only what matched, joining
        the document table only to sort by date."""
        if parsed.is_empty:
            params: list = []
            conditions, filter_params = filter_sql("+d.id", filters)
            page_sql, order = "SELECT d.id FROM search_indexeddocument d", NEWEST_ORDER
        else:
            plain, params = self._match_sql(parsed, any_words, scored=False)
            conditions, filter_params = match_filter_sql("+m.id", filters)
            if query.sort == "newest":
                page_sql = (
                    f"SELECT d.id FROM ({plain}) m JOIN search_indexeddocument d ON d.id = m.id"
                )
                order = NEWEST_ORDER
            else:
                scored, params = self._match_sql(parsed, any_words)
                page_sql, order = f"SELECT m.id FROM ({scored}) m", RELEVANCE_ORDER
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        with index_db.cursor() as cursor:
            cursor.execute(
                f"{page_sql}{where} ORDER BY {order} LIMIT %s OFFSET %s",
                params + filter_params + [query.per_page, query.offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def _hits(self, parsed: ParsedQuery, any_words: bool, page: ResultPage) -> tuple[Hit, ...]:
        if not page.ids:
            return ()
        rows, marked = self._rows_and_highlights(parsed, any_words, page.ids)
        return hits_from_rows(page.ids, rows, marked)

    def _rows_and_highlights(
        self, parsed: ParsedQuery, any_words: bool, ids: list[int]
    ) -> tuple[dict[int, IndexedDocument], dict[int, tuple[str, str]]]:
        """The page's rows ({row id: row}) and highlights ({row id: (title,
        snippet)}); an engine may read both in one statement."""
        rows = hit_rows(ids)
        marked = self._highlights(parsed, any_words, ids) if not parsed.is_empty else {}
        return rows, marked

    def _spelling_suggestion(self, parsed: ParsedQuery) -> str:
        return spelling_suggestion(parsed, self._word_in_index, self._spelling_candidates)

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        parsed = parse(text)
        typed = words(parsed.text)
        if not typed or len(parsed.text) < 2:
            return []
        ids = self._suggest_ids(typed[:-1][:6], typed[-1], limit)
        rows = {
            r.id: r for r in IndexedDocument.objects.filter(id__in=ids).only("title", "url", "kind")
        }
        return [Suggestion(rows[i].title, rows[i].url, rows[i].kind) for i in ids if i in rows]
