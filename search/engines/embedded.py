"""What the two embedded engines share: the document, facet and spelling
tables, facet counting in SQL, paging and the "did you mean" logic. The
full-text parts differ by database and live in sqlite.py and postgres.py."""

from __future__ import annotations

import abc
import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from search.models import FacetEntry, IndexedDocument, SpellingTerm
from search.query import ParsedQuery, parse, words

from .base import (
    FACETS,
    Facet,
    FacetValue,
    Hit,
    SearchDocument,
    SearchEngine,
    SearchQuery,
    SearchResults,
    Suggestion,
)

WRITE_BATCH = 200
SPELLING_MIN, SPELLING_MAX = 4, 30


def spelling_words(document: SearchDocument) -> set[str]:
    text = " ".join(
        (document.title, document.summary, document.objectives, document.meta_text, document.body)
    )
    return {w for w in words(text) if w.isalpha() and SPELLING_MIN <= len(w) <= SPELLING_MAX}


def _row_spelling_words(row: IndexedDocument) -> set[str]:
    text = " ".join((row.title, row.summary, row.objectives, row.meta, row.body))
    return {w for w in words(text) if w.isalpha() and SPELLING_MIN <= len(w) <= SPELLING_MAX}


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance, giving up (limit + 1) past the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _row_values(document: SearchDocument) -> dict:
    return {
        "kind": document.kind,
        "title": document.title,
        "url": document.url,
        "summary": document.summary,
        "objectives": document.objectives,
        "body": document.body,
        "meta": document.meta_text,
        "mentor_names": "\n".join(name for _, name in document.mentors),
        "topic_labels": "\n".join(label for _, label in document.topics),
        "credits": document.credits,
        "release_date": document.release_date,
        "last_reviewed": document.last_reviewed,
    }


def _facet_entries(row_id: int, document: SearchDocument) -> list[FacetEntry]:
    entries = {}
    for facet, values in document.facet_values().items():
        for value, label in values:
            entries[(facet, value[:100])] = FacetEntry(
                document_id=row_id, facet=facet, value=value[:100], label=label[:200]
            )
    return list(entries.values())


class EmbeddedEngine(SearchEngine, abc.ABC):
    """Documents in ordinary tables; the subclass supplies full-text matching."""

    # --- what each database does differently --------------------------------

    @abc.abstractmethod
    def _write_full_text(self, rows: list[tuple[int, SearchDocument]]) -> None:
        """Replace the full-text entries of these (row id, document) pairs."""

    @abc.abstractmethod
    def _delete_full_text(self, row_ids: list[int]) -> None: ...

    @abc.abstractmethod
    def _match_sql(self, parsed: ParsedQuery, any_words: bool) -> tuple[str, list]:
        """SQL selecting ``id`` and ``score`` (lower is better) of matching documents."""

    @abc.abstractmethod
    def _highlights(self, parsed: ParsedQuery, any_words: bool, ids: list[int]) -> dict:
        """{row id: (title highlight, snippet)} for these rows."""

    @abc.abstractmethod
    def _word_in_index(self, word: str) -> bool:
        """Does the word (stemmed as the index stems it) occur anywhere?"""

    @abc.abstractmethod
    def _spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        """Likely corrections: (term, document count)."""

    @abc.abstractmethod
    def _suggest_ids(self, typed: list[str], prefix: str, limit: int) -> list[int]: ...

    def _after_rebuild(self) -> None:
        """Housekeeping once a rebuild has been written (optimise, analyse)."""

    # --- writing -------------------------------------------------------------

    def index(self, documents: Iterable[SearchDocument]) -> None:
        documents = list({d.page_id: d for d in documents}.values())
        for start in range(0, len(documents), WRITE_BATCH):
            with transaction.atomic():
                self._upsert(documents[start : start + WRITE_BATCH], track_terms=True)

    def remove(self, page_ids: Iterable[int]) -> None:
        page_ids = list(set(page_ids))
        if not page_ids:
            return
        with transaction.atomic():
            rows = list(IndexedDocument.objects.select_for_update().filter(page_id__in=page_ids))
            if not rows:
                return
            gone = Counter()
            for row in rows:
                gone.update(_row_spelling_words(row))
            self._delete_full_text([row.id for row in rows])
            IndexedDocument.objects.filter(id__in=[row.id for row in rows]).delete()
            self._apply_term_changes(Counter(), gone)

    def rebuild(self, documents, progress=None) -> int:
        """Rewrite every document in place, batch by batch (each batch one
        short transaction, so publishing and learners' writes carry on), then
        drop documents that are no longer published and recount the spelling
        terms. Every published document stays searchable throughout."""
        seen: set[int] = set()
        vocabulary: Counter = Counter()
        batch: list[SearchDocument] = []

        def flush():
            with transaction.atomic():
                self._upsert(batch, track_terms=False)
            for document in batch:
                vocabulary.update(spelling_words(document))
            seen.update(d.page_id for d in batch)
            if progress:
                progress(len(batch))
            batch.clear()

        for document in documents:
            if document.page_id in seen:
                continue
            batch.append(document)
            if len(batch) >= WRITE_BATCH:
                flush()
        if batch:
            flush()
        with transaction.atomic():
            stale = (
                list(IndexedDocument.objects.exclude(page_id__in=seen).values_list("id", flat=True))
                if seen
                else list(IndexedDocument.objects.values_list("id", flat=True))
            )
            for start in range(0, len(stale), 500):
                chunk = stale[start : start + 500]
                self._delete_full_text(chunk)
                IndexedDocument.objects.filter(id__in=chunk).delete()
            SpellingTerm.objects.all().delete()
            SpellingTerm.objects.bulk_create(
                (SpellingTerm(term=t, documents=n) for t, n in vocabulary.items()),
                batch_size=1000,
            )
        self._after_rebuild()
        return len(seen)

    def _upsert(self, documents: list[SearchDocument], track_terms: bool) -> None:
        if not documents:
            return
        existing = {
            row.page_id: row
            for row in IndexedDocument.objects.select_for_update().filter(
                page_id__in=[d.page_id for d in documents]
            )
        }
        added, gone = Counter(), Counter()
        new_rows, changed_rows = [], []
        for document in documents:
            row = existing.get(document.page_id)
            if row is None:
                new_rows.append(IndexedDocument(page_id=document.page_id, **_row_values(document)))
                if track_terms:
                    added.update(spelling_words(document))
                continue
            if track_terms:
                before, after = _row_spelling_words(row), spelling_words(document)
                added.update(after - before)
                gone.update(before - after)
            for field, value in _row_values(document).items():
                setattr(row, field, value)
            changed_rows.append(row)
        fields = list(_row_values(documents[0]))
        if changed_rows:
            IndexedDocument.objects.bulk_update(changed_rows, fields + ["indexed_at"])
        if new_rows:
            IndexedDocument.objects.bulk_create(new_rows)
        by_page = {row.page_id: row.id for row in changed_rows + new_rows}
        row_ids = list(by_page.values())
        FacetEntry.objects.filter(document_id__in=row_ids).delete()
        FacetEntry.objects.bulk_create(
            entry for d in documents for entry in _facet_entries(by_page[d.page_id], d)
        )
        self._write_full_text([(by_page[d.page_id], d) for d in documents])
        if track_terms:
            self._apply_term_changes(added, gone)

    def _apply_term_changes(self, added: Counter, gone: Counter) -> None:
        """Keep document counts of spelling terms; sorted so that concurrent
        writers take row locks in the same order."""
        from django.db.models import F

        if added:
            SpellingTerm.objects.bulk_create(
                [SpellingTerm(term=t, documents=0) for t in sorted(added)],
                ignore_conflicts=True,
            )
            for term in sorted(added):
                SpellingTerm.objects.filter(term=term).update(
                    documents=F("documents") + added[term]
                )
        for term in sorted(gone):
            SpellingTerm.objects.filter(term=term).update(documents=F("documents") - gone[term])
        if gone:
            SpellingTerm.objects.filter(term__in=list(gone), documents__lte=0).delete()

    # --- reading -------------------------------------------------------------

    def indexed_ids(self) -> set[int]:
        return set(IndexedDocument.objects.values_list("page_id", flat=True))

    def search(self, query: SearchQuery) -> SearchResults:
        parsed = parse(query.text)
        filters = {k: v for k, v in query.filters.items() if v}
        any_words = False
        ids, total = self._ranked(parsed, False, filters, query)
        if total == 0 and len(parsed.clauses) > 1:
            any_words = True
            ids, total = self._ranked(parsed, True, filters, query)
        hits = self._hits(parsed, any_words, ids)
        facets = self._facets(parsed, any_words, filters)
        suggestion = ""
        if not parsed.is_empty and (total == 0 or any_words):
            suggestion = self._spelling_suggestion(parsed)
        return SearchResults(
            query=query,
            hits=hits,
            total=total,
            facets=facets,
            suggestion=suggestion,
            matched_all_words=not any_words,
            engine=self.name,
        )

    def _filter_sql(self, filters, skip=None) -> tuple[list[str], list]:
        conditions, params = [], []
        for facet, values in filters.items():
            if facet == skip:
                continue
            marks = ", ".join(["%s"] * len(values))
            conditions.append(
                "d.id IN (SELECT document_id FROM search_facetentry "
                f"WHERE facet = %s AND value IN ({marks}))"
            )
            params += [facet, *values]
        return conditions, params

    def _candidates_sql(self, parsed, any_words, filters, skip=None) -> tuple[str, list, bool]:
        """FROM/WHERE selecting documents `d` (and `m.score` when there is text)."""
        conditions, params = self._filter_sql(filters, skip)
        if parsed.is_empty:
            sql = "FROM search_indexeddocument d"
            ranked = False
        else:
            match_sql, params_match = self._match_sql(parsed, any_words)
            sql = f"FROM ({match_sql}) m JOIN search_indexeddocument d ON d.id = m.id"
            params = params_match + params
            ranked = True
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql, params, ranked

    def _ranked(self, parsed, any_words, filters, query) -> tuple[list[int], int]:
        sql, params, ranked = self._candidates_sql(parsed, any_words, filters)
        if ranked and query.sort != "newest":
            order = "m.score, d.release_date DESC, d.id DESC"
        else:
            order = "d.release_date DESC, d.id DESC"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, COUNT(*) OVER () {sql} ORDER BY {order} LIMIT %s OFFSET %s",
                params + [query.per_page, query.offset],
            )
            rows = cursor.fetchall()
            if rows:
                return [row[0] for row in rows], rows[0][1]
            if query.offset == 0:
                return [], 0
            cursor.execute(f"SELECT COUNT(*) {sql}", params)
            return [], cursor.fetchone()[0]

    def _hits(self, parsed, any_words, ids) -> tuple[Hit, ...]:
        if not ids:
            return ()
        rows = {
            row.id: row
            for row in IndexedDocument.objects.filter(id__in=ids).defer(
                "body", "objectives", "meta"
            )
        }
        marked = self._highlights(parsed, any_words, ids) if not parsed.is_empty else {}
        hits = []
        for row_id in ids:
            row = rows.get(row_id)
            if row is None:  # removed between the two queries
                continue
            title, snippet = marked.get(row_id, (row.title, ""))
            hits.append(
                Hit(
                    page_id=row.page_id,
                    kind=row.kind,
                    title=row.title,
                    url=row.url,
                    summary=row.summary,
                    title_highlight=title or row.title,
                    snippet=snippet or row.summary,
                    mentors=tuple(n for n in row.mentor_names.split("\n") if n),
                    topics=tuple(t for t in row.topic_labels.split("\n") if t),
                    credits=row.credits,
                    release_date=_as_date(row.release_date),
                )
            )
        return tuple(hits)

    def _facets(self, parsed, any_words, filters) -> tuple[Facet, ...]:
        """Disjunctive facet counts: a facet's counts apply every other
        facet's filters but not its own, so choosing "Pediatrics" still shows
        how many results "Emergency medicine" would add."""
        counts: dict[str, dict[str, tuple[str, int]]] = {key: {} for key, _ in FACETS}
        groups = [(None, [k for k, _ in FACETS if k not in filters])]
        groups += [(key, [key]) for key, _ in FACETS if key in filters]
        with connection.cursor() as cursor:
            for skip, keys in groups:
                if not keys:
                    continue
                sql, params, _ = self._candidates_sql(parsed, any_words, filters, skip=skip)
                marks = ", ".join(["%s"] * len(keys))
                cursor.execute(
                    "SELECT f.facet, f.value, MAX(f.label), COUNT(*) FROM search_facetentry f "
                    f"WHERE f.facet IN ({marks}) AND f.document_id IN (SELECT d.id {sql}) "
                    "GROUP BY f.facet, f.value",
                    keys + params,
                )
                for facet, value, label, count in cursor.fetchall():
                    counts[facet][value] = (label, count)
        facets = []
        for key, label in FACETS:
            chosen = set(filters.get(key, ()))
            values = [
                FacetValue(value, label_, count, value in chosen)
                for value, (label_, count) in counts[key].items()
            ]
            missing = sorted(chosen - {v.value for v in values})
            if missing:
                # A chosen value with no results keeps its name, from any document.
                names = dict(
                    FacetEntry.objects.filter(facet=key, value__in=missing)
                    .values_list("value", "label")
                    .distinct()
                )
                values += [FacetValue(v, names.get(v, v), 0, True) for v in missing]
            values.sort(key=lambda v: (-v.count, v.label.lower()))
            if values:
                facets.append(Facet(key, label, tuple(values)))
        return tuple(facets)

    def _spelling_suggestion(self, parsed: ParsedQuery) -> str:
        text = parsed.text
        changed = False
        for word in parsed.plain_words:
            if not word.isalpha() or len(word) < SPELLING_MIN or self._word_in_index(word):
                continue
            limit = 1 if len(word) <= 5 else 2
            best = None
            for term, documents in self._spelling_candidates(word):
                distance = edit_distance(word, term, limit)
                if distance <= limit:
                    key = (distance, -documents, term)
                    best = min(best, key) if best else key
            if best:
                text = _replace_word(text, word, best[2])
                changed = True
        return text if changed and text.lower() != parsed.text.lower() else ""

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


def _replace_word(text: str, word: str, replacement: str) -> str:
    import re

    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", replacement, text, count=1, flags=re.I)


def _as_date(value):
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value
