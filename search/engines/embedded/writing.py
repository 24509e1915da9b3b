"""Writing the embedded index: the document, facet and spelling tables, and
the database's full-text entries (through _write_full_text)."""

from __future__ import annotations

import abc
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from search.models import FacetEntry, IndexedDocument, SpellingTerm
from search.models import FacetValue as StoredFacetValue

from ..base import ProgressCallback, SearchDocument, SearchEngine
from .rows import facet_pairs, facet_value_ids, locked_rows, row_values
from .spelling import apply_term_changes, row_spelling_words, spelling_words

WRITE_BATCH = 200


class EmbeddedWriter(SearchEngine, abc.ABC):
    """index(), remove() and rebuild() of the embedded engines; the subclass
    writes the full-text entries."""

    @abc.abstractmethod
    def _write_full_text(self, rows: list[tuple[int, SearchDocument]]) -> None:
        """Replace the full-text entries of these (row id, document) pairs."""

    def _after_rebuild(self) -> None:
        """Housekeeping once a rebuild has been written (optimise, analyse)."""

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
                gone.update(row_spelling_words(row))
            IndexedDocument.objects.filter(id__in=[row.id for row in rows]).delete()
            apply_term_changes(Counter(), gone)

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
        rows = locked_rows(page_ids)
        missing = [pk for pk in page_ids if pk not in rows]
        if missing:
            IndexedDocument.objects.bulk_create(
                [IndexedDocument(page_id=pk, kind="", title="", url="") for pk in missing],
                ignore_conflicts=True,
            )
            rows.update(locked_rows(missing))
        added: Counter[str] = Counter()
        gone: Counter[str] = Counter()
        now = timezone.now()
        for document in documents:
            row = rows[document.page_id]
            if track_terms:
                before, after = row_spelling_words(row), spelling_words(document)
                added.update(after - before)
                gone.update(before - after)
            for field, value in row_values(document).items():
                setattr(row, field, value)
            row.indexed_at = now
        fields = list(row_values(documents[0])) + ["indexed_at"]
        IndexedDocument.objects.bulk_update(list(rows.values()), fields)
        by_page = {page_id: row.id for page_id, row in rows.items()}
        pairs = {d.page_id: facet_pairs(d) for d in documents}
        value_ids = facet_value_ids({k: v for p in pairs.values() for k, v in p.items()})
        FacetEntry.objects.filter(document_id__in=list(by_page.values())).delete()
        FacetEntry.objects.bulk_create(
            FacetEntry(document_id=by_page[page_id], facet_value_id=value_ids[key])
            for page_id, document_pairs in pairs.items()
            for key in document_pairs
        )
        self._write_full_text([(by_page[d.page_id], d) for d in documents])
        if track_terms:
            apply_term_changes(added, gone)
