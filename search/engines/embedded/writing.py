"""Writing the embedded index: the document, facet and spelling tables, and
the database's full-text entries (through _write_full_text)."""

from __future__ import annotations

import abc
import dataclasses
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from search.database import atomic_index, index_db
from search.models import FacetEntry, IndexedDocument
from search.models import FacetValue as StoredFacetValue

from ..base import ProgressCallback, SearchDocument, SearchEngine
from .batch_writer import BatchWriter
from .bulk import insert_integer_rows
from .facet_matrix import mark_written, new_token
from .pacing import FreeSpells, no_collection
from .rows import (
    facet_pairs,
    facet_value_ids,
    locked_rows,
    prepared_now,
    upsert_params,
    write_document_rows,
)
from .spelling import apply_term_changes, replace_terms, row_spelling_words, spelling_words

WRITE_BATCH = 200
# A rebuild sizes its batches (documents per transaction) so that each
# transaction takes about the engine's rebuild_transaction_s, within these.
REBUILD_BATCH_FIRST, REBUILD_BATCH_MIN, REBUILD_BATCH_MAX = 20, 10, 2000


@dataclasses.dataclass(frozen=True)
class PreparedRows:
    """A batch as the write sends it: the index token its rows are stamped
    with, the documents in page order, their upsert parameters and each
    page's facet value ids."""

    token: int
    documents: list[SearchDocument]
    upserts: list[list[Any]]
    value_ids: dict[int, list[int]]


def replace_facet_entries(cursor: CursorWrapper, wanted: dict[int, list[int]]) -> None:
    """Make these documents' facet entries {row id: facet value ids}: the
    entries a document no longer has are deleted and only new ones
    inserted. A rewritten document keeps most or all of its values (a
    rebuild: nearly every one), and each entry deleted and inserted again
    cost an index entry on each side and a foreign-key check at commit."""
    if not wanted:
        return
    marks = ", ".join(["%s"] * len(wanted))
    cursor.execute(
        "SELECT id, document_id, facet_value_id FROM search_facetentry "
        f"WHERE document_id IN ({marks})",
        list(wanted),
    )
    keep = {(document, value) for document, values in wanted.items() for value in values}
    have: set[tuple[int, int]] = set()
    stale: list[int] = []
    for entry_id, document, value in cursor.fetchall():
        if (document, value) in keep:
            have.add((document, value))
        else:
            stale.append(entry_id)
    for start in range(0, len(stale), 1000):
        chunk = stale[start : start + 1000]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM search_facetentry WHERE id IN ({marks})", chunk)
    insert_integer_rows(
        cursor,
        "INSERT INTO search_facetentry (document_id, facet_value_id)",
        2,
        sorted(keep - have),
    )


class EmbeddedWriter(SearchEngine, abc.ABC):
    """index(), remove() and rebuild() of the embedded engines; the subclass
    writes the full-text entries."""

    #: How long one transaction of a rebuild should take: on SQLite it holds
    #: the database's only write lock for that long.
    rebuild_transaction_s = 0.02
    #: After each of a rebuild's transactions, leave the write lock free for
    #: this share of the transaction's time (FreeSpells), so a writer waiting
    #: for it gets it. The rebuild spends that spell on work that needs no
    #: lock (_after_transaction, preparing the next batch) and sleeps only
    #: for what is left of it.
    rebuild_pause_share = 0.5
    #: Write a rebuild's batches on this many threads of their own, each
    #: with its connection, while the next is prepared (batch_writer.py);
    #: 0: on the caller's. For a database that does most of the work itself
    #: and where a second connection waits for no lock.
    rebuild_writer_threads = 0

    @abc.abstractmethod
    def _write_full_text(
        self, rows: list[tuple[int, SearchDocument]], rebuilding: bool = False
    ) -> None:
        """Replace the full-text entries of these (row id, document) pairs;
        ``rebuilding``: a rebuild's batch (see _begin_rebuild)."""

    def _begin_rebuild(self, spells: FreeSpells) -> None:
        """Before a rebuild's first batch (SQLite: a new full-text table)."""

    def _after_transaction(self) -> None:
        """Work after each of a rebuild's transactions, outside it, that
        needs no write lock (done in the free spell that follows it)."""

    def _before_transaction(self) -> None:
        """Work just before each of a rebuild's transactions, at the end of
        the free spell, that needs no write lock."""

    def _between_batches(self, spells: FreeSpells) -> None:
        """Transactions of the engine's own between a rebuild's batches, each
        waiting for the free spell and leaving one (SQLite: merging)."""

    def _finish_rebuild(self, spells: FreeSpells) -> None:
        """Once every batch is written, before stale documents are removed
        (SQLite: the new full-text table swapped in, where they have no
        entries to delete)."""

    def _abandon_rebuild(self, spells: FreeSpells) -> None:
        """A rebuild failed half way: undo what _begin_rebuild made."""

    def _after_rebuild(self, spells: FreeSpells) -> None:
        """Housekeeping once a rebuild has been written (optimise, analyse)."""

    def index(self, documents: Iterable[SearchDocument]) -> None:
        documents = list({d.page_id: d for d in documents}.values())
        for start in range(0, len(documents), WRITE_BATCH):
            with atomic_index():
                self._upsert(documents[start : start + WRITE_BATCH], track_terms=True)

    def remove(self, page_ids: Iterable[int]) -> None:
        page_ids = list(set(page_ids))
        if not page_ids:
            return
        with atomic_index():
            rows = list(IndexedDocument.objects.select_for_update().filter(page_id__in=page_ids))
            if not rows:
                return
            gone: Counter[str] = Counter()
            for row in rows:
                gone.update(row_spelling_words(row))
            IndexedDocument.objects.filter(id__in=[row.id for row in rows]).delete()
            apply_term_changes(Counter(), gone)
            mark_written(new_token())

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Rewrite every document in place, batch by batch, each batch one
        short transaction (about rebuild_transaction_s of the write lock on SQLite),
        so publishing and learners' writes carry on; then drop documents that
        are no longer published and bring the spelling terms to the new
        counts, also in short transactions. Every published document stays
        searchable throughout; a page changed meanwhile is queued in the
        outbox and rewritten after (search.indexing.rebuild). On SQLite the
        full-text entries go into a new table, swapped in once every batch
        is written (sqlite_tables.py)."""
        seen: set[int] = set()
        vocabulary: Counter[str] = Counter()
        facet_ids: dict[tuple[str, str], tuple[int, str]] = {}
        batch: list[SearchDocument] = []
        size = REBUILD_BATCH_FIRST
        spells = FreeSpells(
            self.rebuild_pause_share, self._after_transaction, self._before_transaction
        )

        def flush(prepared: PreparedRows) -> float:
            """One batch, one transaction; the seconds it took."""
            with no_collection(), atomic_index():
                # From here the transaction holds the write lock (SQLite's
                # BEGIN IMMEDIATE may have waited for it: not counted).
                began = time.perf_counter()
                self._write_prepared(prepared, rebuilding=True)
            return max(time.perf_counter() - began, 1e-4)

        writer = (
            BatchWriter(flush, self.rebuild_writer_threads) if self._writes_on_a_thread() else None
        )

        def written(count: int, took: float) -> None:
            nonlocal size
            spells.held(took)
            self._between_batches(spells)
            aim, low, high = self.rebuild_transaction_s, REBUILD_BATCH_MIN, REBUILD_BATCH_MAX
            size = spells.resize("batch", size, took, aim, low, high)
            if progress:
                progress(count)

        def hand_over() -> None:
            prepared = self._prepare_rows(batch, facet_ids)  # before taking the lock
            for document in batch:
                vocabulary.update(spelling_words(document))
            if writer is None:
                spells.wait()
                written(len(batch), flush(prepared))
            else:
                # The batches before were written while this one was read and
                # prepared; one is reported (progress) when it has committed.
                while writer.full() and (done := writer.finish()):
                    written(*done)
                writer.submit(prepared, len(batch))
            batch.clear()

        self._begin_rebuild(spells)
        try:
            try:
                for document in documents:
                    if document.page_id in seen:
                        continue
                    seen.add(document.page_id)  # once, even within a batch (bulk.py)
                    batch.append(document)
                    if len(batch) >= size:
                        hand_over()
                if batch:
                    hand_over()
                while writer is not None and (done := writer.finish()):
                    written(*done)
                spells.wait()
            finally:
                if writer is not None:
                    writer.close()
        except Exception:
            self._abandon_rebuild(spells)
            raise
        self._finish_rebuild(spells)
        self._remove_stale(seen)
        replace_terms(vocabulary)
        self._after_rebuild(spells)
        return len(seen)

    def _writes_on_a_thread(self) -> bool:
        """Whether a rebuild writes its batches on threads of their own
        (batch_writer.py): where the engine says so and another connection
        sees what this one does (not inside a transaction)."""
        return self.rebuild_writer_threads > 0 and not index_db.in_atomic_block

    def _remove_stale(self, seen: set[int]) -> None:
        """Delete documents of pages the rebuild did not write, a chunk per
        transaction, then facet values nothing uses any more."""
        stale = [
            row_id
            for row_id, page_id in IndexedDocument.objects.values_list("id", "page_id")
            if page_id not in seen
        ]
        for start in range(0, len(stale), 500):
            with atomic_index():
                IndexedDocument.objects.filter(id__in=stale[start : start + 500]).delete()
                mark_written(new_token())
        with atomic_index():
            StoredFacetValue.objects.exclude(
                pk__in=FacetEntry.objects.values("facet_value_id")
            ).delete()
            mark_written(new_token())

    def _write_rows(
        self,
        documents: list[SearchDocument],
        facet_ids: dict[tuple[str, str], tuple[int, str]] | None = None,
    ) -> dict[int, int]:
        """Insert or replace the rows of these documents, their facet entries
        and full-text entries; return {page id: row id}. Callers hold a
        transaction."""
        return self._write_prepared(self._prepare_rows(documents, facet_ids))

    def _prepare_rows(
        self,
        documents: list[SearchDocument],
        facet_ids: dict[tuple[str, str], tuple[int, str]] | None = None,
    ) -> PreparedRows:
        """What writing these documents sends, worked out before its
        transaction (a rebuild does this outside SQLite's write lock). Facet
        values not yet stored are created here (``facet_ids`` caches their
        ids across batches of a rebuild); an unused one is removed at the end
        of a rebuild."""
        facet_ids = {} if facet_ids is None else facet_ids
        documents = sorted(documents, key=lambda d: d.page_id)  # rows locked in page order
        pairs = {d.page_id: facet_pairs(d) for d in documents}
        wanted = {k: v for p in pairs.values() for k, v in p.items()}
        changed = {k: v for k, v in wanted.items() if facet_ids.get(k, (0, None))[1] != v}
        if changed:
            ids = facet_value_ids(changed)
            facet_ids.update({k: (ids[k], changed[k]) for k in changed})
        token = new_token()
        now = prepared_now(timezone.now())
        value_ids = {page: [facet_ids[key][0] for key in keys] for page, keys in pairs.items()}
        return PreparedRows(
            token,
            documents,
            [upsert_params(d, now, value_ids[d.page_id], token) for d in documents],
            value_ids,
        )

    def _write_prepared(self, rows: PreparedRows, rebuilding: bool = False) -> dict[int, int]:
        """Write prepared rows, each table's together (bulk.py), and set the
        index token the rows are stamped with (facet_matrix); ``rebuilding``:
        a rebuild's batch."""
        if not rows.documents:
            return {}
        with index_db.cursor() as cursor:
            by_page = write_document_rows(cursor, rows.upserts)
            replace_facet_entries(
                cursor,
                {by_page[page_id]: ids for page_id, ids in rows.value_ids.items()},
            )
        self._write_full_text([(by_page[d.page_id], d) for d in rows.documents], rebuilding)
        mark_written(rows.token)
        return by_page

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
        if track_terms:
            for document in documents:
                before, after = row_spelling_words(rows[document.page_id]), spelling_words(document)
                added.update(after - before)
                gone.update(before - after)
        self._write_rows(documents)
        if track_terms:
            apply_term_changes(added, gone)
