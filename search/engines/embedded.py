"""What the two embedded engines share: the document, facet and spelling
tables, facet counting in SQL, paging and the "did you mean" logic. The
full-text parts differ by database and live in sqlite.py and postgres.py."""

from __future__ import annotations

import abc
import datetime
import re
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from search.models import FacetEntry, IndexedDocument, SpellingTerm
from search.models import FacetValue as StoredFacetValue
from search.query import ParsedQuery, parse, words

from .base import (
    FACETS,
    MARK_START,
    Facet,
    FacetValue,
    Hit,
    ProgressCallback,
    SearchDocument,
    SearchEngine,
    SearchQuery,
    SearchResults,
    Suggestion,
)

# Chosen values per facet key, as in SearchQuery.filters.
Filters = dict[str, tuple[str, ...]]

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
    previous2: list[int] = []  # the row before `previous`, once there is one
    previous = list(range(len(b) + 1))
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


def _facet_pairs(document: SearchDocument) -> dict[tuple[str, str], str]:
    """{(facet, value): label} for one document."""
    return {
        (facet, value[:100]): label[:200]
        for facet, values in document.facet_values().items()
        for value, label in values
    }


def _facet_value_ids(pairs: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
    """Ids of these facet values, creating them or refreshing their labels (a
    mentor's new name)."""
    if not pairs:
        return {}
    StoredFacetValue.objects.bulk_create(
        [
            StoredFacetValue(facet=f, value=v, label=label)
            for (f, v), label in sorted(pairs.items())
        ],
        update_conflicts=True,
        unique_fields=["facet", "value"],
        update_fields=["label"],
    )
    ids: dict[tuple[str, str], int] = {}
    for facet in {f for f, _ in pairs}:
        values = [v for f, v in pairs if f == facet]
        stored = StoredFacetValue.objects.filter(facet=facet, value__in=values)
        for value, pk in stored.values_list("value", "pk"):
            ids[(facet, value)] = pk
    return ids


class EmbeddedEngine(SearchEngine, abc.ABC):
    """Documents in ordinary tables; the subclass supplies full-text matching."""

    # --- what each database does differently --------------------------------

    @abc.abstractmethod
    def _write_full_text(self, rows: list[tuple[int, SearchDocument]]) -> None:
        """Replace the full-text entries of these (row id, document) pairs."""

    @abc.abstractmethod
    def _match_sql(
        self, parsed: ParsedQuery, any_words: bool, scored: bool = True
    ) -> tuple[str, list]:
        """SQL selecting ``id`` and, when `scored`, ``score`` (lower is
        better) of matching documents."""

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
    def _suggest_queries(self, typed: list[str], prefix: str) -> list[tuple[str, list]]:
        """SELECTs of document ids, best first, each taking a LIMIT: titles
        with every typed word (the last as a prefix), then anywhere."""

    def _suggest_ids(self, typed: list[str], prefix: str, limit: int) -> list[int]:
        ids: list[int] = []
        with connection.cursor() as cursor:
            for sql, params in self._suggest_queries(typed, prefix):
                cursor.execute(f"{sql} LIMIT %s", [*params, limit])
                ids += [row[0] for row in cursor.fetchall() if row[0] not in ids]
                if len(ids) >= limit:
                    break
        return ids[:limit]

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
            gone: Counter[str] = Counter()
            for row in rows:
                gone.update(_row_spelling_words(row))
            IndexedDocument.objects.filter(id__in=[row.id for row in rows]).delete()
            self._apply_term_changes(Counter(), gone)

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Rewrite every document in place, batch by batch (each batch one
        short transaction, so publishing and learners' writes carry on), then
        drop documents that are no longer published and recount the spelling
        terms. Every published document stays searchable throughout."""
        seen: set[int] = set()
        vocabulary: Counter[str] = Counter()
        batch: list[SearchDocument] = []

        def flush() -> None:
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
                IndexedDocument.objects.filter(id__in=chunk).delete()
            StoredFacetValue.objects.exclude(
                pk__in=FacetEntry.objects.values("facet_value_id")
            ).delete()
            SpellingTerm.objects.all().delete()
            SpellingTerm.objects.bulk_create(
                (SpellingTerm(term=t, documents=n) for t, n in vocabulary.items()),
                batch_size=1000,
            )
        self._after_rebuild()
        return len(seen)

    def _upsert(self, documents: list[SearchDocument], track_terms: bool) -> None:
        """Write documents, replacing what is there. Safe when several workers
        index the same page at once: rows are created (or found) first and
        locked in page order, so the second writer waits and then sees the
        first one's row (on SQLite the whole write transaction is serialised)."""
        if not documents:
            return
        page_ids = sorted(d.page_id for d in documents)
        rows = self._locked_rows(page_ids)
        missing = [pk for pk in page_ids if pk not in rows]
        if missing:
            IndexedDocument.objects.bulk_create(
                [IndexedDocument(page_id=pk, kind="", title="", url="") for pk in missing],
                ignore_conflicts=True,
            )
            rows.update(self._locked_rows(missing))
        added: Counter[str] = Counter()
        gone: Counter[str] = Counter()
        now = timezone.now()
        for document in documents:
            row = rows[document.page_id]
            if track_terms:
                before, after = _row_spelling_words(row), spelling_words(document)
                added.update(after - before)
                gone.update(before - after)
            for field, value in _row_values(document).items():
                setattr(row, field, value)
            row.indexed_at = now
        fields = list(_row_values(documents[0])) + ["indexed_at"]
        IndexedDocument.objects.bulk_update(list(rows.values()), fields)
        by_page = {page_id: row.id for page_id, row in rows.items()}
        pairs = {d.page_id: _facet_pairs(d) for d in documents}
        value_ids = _facet_value_ids({k: v for p in pairs.values() for k, v in p.items()})
        FacetEntry.objects.filter(document_id__in=list(by_page.values())).delete()
        FacetEntry.objects.bulk_create(
            FacetEntry(document_id=by_page[page_id], facet_value_id=value_ids[key])
            for page_id, document_pairs in pairs.items()
            for key in document_pairs
        )
        self._write_full_text([(by_page[d.page_id], d) for d in documents])
        if track_terms:
            self._apply_term_changes(added, gone)

    @staticmethod
    def _locked_rows(page_ids: list[int]) -> dict[int, IndexedDocument]:
        return {
            row.page_id: row
            for row in IndexedDocument.objects.select_for_update()
            .filter(page_id__in=page_ids)
            .order_by("page_id")
        }

    def _apply_term_changes(self, added: Counter[str], gone: Counter[str]) -> None:
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

    @staticmethod
    def _filter_subqueries(filters: Filters, skip: str | None = None) -> list[tuple[str, list]]:
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

    def _filter_sql(
        self, column: str, filters: Filters, skip: str | None = None
    ) -> tuple[list[str], list]:
        """Conditions on `column`. Callers pass "+column" where SQLite would
        otherwise push "id IN (...)" into the FTS5 table or the primary key as
        thousands of separate look-ups (35 ms instead of 1 for a broad filter)."""
        conditions: list[str] = []
        params: list = []
        for sql, sql_params in self._filter_subqueries(filters, skip):
            conditions.append(f"{column} IN ({sql})")
            params += sql_params
        return conditions, params

    def _matching_ids_sql(
        self, parsed: ParsedQuery, any_words: bool, filters: Filters, skip: str | None = None
    ) -> tuple[str, list]:
        """SELECT of the ids of matching documents, for facet counting; ""
        when every document matches."""
        if parsed.is_empty:
            subqueries = self._filter_subqueries(filters, skip)
            if not subqueries:
                return "", []
            (sql, params), rest = subqueries[0], subqueries[1:]
            for other_sql, other_params in rest:
                sql += f" AND +fe.document_id IN ({other_sql})"
                params = params + other_params
            return sql, params
        sql, params = self._match_sql(parsed, any_words, scored=False)
        conditions, filter_params = self._filter_sql("+m.id", filters, skip)
        sql = f"SELECT m.id FROM ({sql}) m"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql, params + filter_params

    def _ranked(
        self, parsed: ParsedQuery, any_words: bool, filters: Filters, query: SearchQuery
    ) -> tuple[list[int], int]:
        """Ids of one page of results, and the total. Two queries: the page
        (ranking only what matched, joining the document table only to sort
        by date) and a plain count, which is cheaper than a window count."""
        if parsed.is_empty:
            params: list = []
            source, column = "search_indexeddocument d", "+d.id"
            page_sql, order = (
                "SELECT d.id FROM search_indexeddocument d",
                "d.release_date DESC, d.id DESC",
            )
        else:
            scored, params = self._match_sql(parsed, any_words)
            plain, _ = self._match_sql(parsed, any_words, scored=False)
            source, column = f"({plain}) m", "+m.id"
            if query.sort == "newest":
                page_sql = (
                    f"SELECT d.id FROM ({plain}) m JOIN search_indexeddocument d ON d.id = m.id"
                )
                order = "d.release_date DESC, d.id DESC"
            else:
                page_sql, order = f"SELECT m.id FROM ({scored}) m", "m.score, m.id DESC"
        conditions, filter_params = self._filter_sql(column, filters)
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"{page_sql}{where} ORDER BY {order} LIMIT %s OFFSET %s",
                params + filter_params + [query.per_page, query.offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids and query.offset == 0:
                return [], 0
            cursor.execute(f"SELECT COUNT(*) FROM {source}{where}", params + filter_params)
            return ids, cursor.fetchone()[0]

    def _hits(self, parsed: ParsedQuery, any_words: bool, ids: list[int]) -> tuple[Hit, ...]:
        if not ids:
            return ()
        rows = {
            row.id: row
            for row in IndexedDocument.objects.filter(id__in=ids).defer(
                "body", "objectives", "meta"
            )
        }
        marked = self._highlights(parsed, any_words, ids) if not parsed.is_empty else {}
        hits: list[Hit] = []
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

    def _facets(self, parsed: ParsedQuery, any_words: bool, filters: Filters) -> tuple[Facet, ...]:
        """Disjunctive facet counts: a facet's counts apply every other
        facet's filters but not its own, so choosing "Pediatrics" still shows
        how many results "Emergency medicine" would add. One GROUP BY over
        integer value ids per group of facets, driven by the matching
        documents; then one query for the names of the values found."""
        all_keys = {key for key, _ in FACETS}
        groups: list[tuple[str | None, set[str]]] = [(None, all_keys - set(filters))]
        groups += [(key, {key}) for key, _ in FACETS if key in filters]
        results = []
        with connection.cursor() as cursor:
            for skip, keys in groups:
                if not keys:
                    continue
                ids_sql, params = self._matching_ids_sql(parsed, any_words, filters, skip=skip)
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
        counts: dict[str, dict[str, tuple[str, int]]] = {key: {} for key in all_keys}
        for keys, group_counts in results:
            for value_id, count in group_counts.items():
                entry = stored.get(value_id)
                if entry is not None and entry.facet in keys:
                    counts[entry.facet][entry.value] = (entry.label, count)
        labels = {(v.facet, v.value): v.label for v in stored.values()}
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


def pick_snippet(body: str, objectives: str, summary: str) -> str:
    """The first of the highlighted texts that has a match in it, or ""."""
    return next((text for text in (body, objectives, summary) if text and MARK_START in text), "")


def _replace_word(text: str, word: str, replacement: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", replacement, text, count=1, flags=re.I)


def _as_date(value: datetime.date | str | None) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value
