"""A PostgreSQL rebuild writes its batches on threads of their own, two side
by side, while the next batch is prepared
(search/engines/embedded/batch_writer.py): a batch is reported once it has
committed, a failed batch fails the rebuild and leaves the index as it was,
searchable, and no thread or connection is left behind. SQLite, and any
rebuild inside a transaction, write on the caller's thread."""

import threading
import time

from django.db import connection, transaction

import pytest

from search import indexing
from search.documents import all_documents
from search.engines import get_embedded_engine
from search.engines.embedded import writing
from search.engines.embedded.batch_writer import BatchWriter
from search.models import IndexedDocument

from .rebuild_helpers import _guides, _in_other_connection, _sessions, found


def _writer_threads():
    return [t for t in threading.enumerate() if t.name.startswith("search-rebuild-writer")]


def _record_threads(monkeypatch):
    """The thread each batch was written on, in order."""
    names = []
    real = writing.EmbeddedWriter._write_prepared

    def recorded(self, rows, rebuilding=False):
        names.append(threading.current_thread().name)
        return real(self, rows, rebuilding)

    monkeypatch.setattr(writing.EmbeddedWriter, "_write_prepared", recorded)
    return names


def test_batches_are_written_one_at_a_time_in_order_with_errors_raised_to_the_caller():
    order, overlapping = [], []
    running = threading.Lock()

    def write(batch):
        if not running.acquire(blocking=False):
            overlapping.append(batch)
        try:
            if batch == "bad":
                raise ValueError("the database refused the batch")
            order.append((batch, threading.current_thread().name))
            return 0.5
        finally:
            running.release()

    writer = BatchWriter(write)
    assert writer.finish() is None  # nothing handed over yet
    writer.submit("first", 4)
    with pytest.raises(RuntimeError):
        writer.submit("second", 4)  # the first is not finished
    assert writer.finish() == (4, 0.5)
    writer.submit("second", 3)
    assert writer.finish() == (3, 0.5)
    writer.submit("bad", 2)
    with pytest.raises(ValueError, match="refused"):
        writer.finish()
    writer.close()
    assert [batch for batch, _ in order] == ["first", "second"]
    assert all(name.startswith("search-rebuild-writer") for _, name in order)
    assert not overlapping
    assert not _writer_threads()


def test_two_threads_write_two_batches_side_by_side_and_report_the_oldest_first():
    both_in = threading.Barrier(2)
    finished = []

    def write(batch):
        both_in.wait(timeout=10)  # broken (an error) unless the other is in too
        if batch == "first":
            time.sleep(0.05)  # the second commits first
        finished.append(batch)
        return 0.1

    writer = BatchWriter(write, threads=2)
    writer.submit("first", 4)
    assert not writer.full()
    writer.submit("second", 3)
    assert writer.full()
    with pytest.raises(RuntimeError):
        writer.submit("third", 2)
    assert writer.finish() == (4, 0.1)  # reported in the order handed over
    assert writer.finish() == (3, 0.1)
    assert writer.finish() is None
    writer.close()
    assert finished == ["second", "first"]
    assert not _writer_threads()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuild_writes_on_the_callers_thread_where_another_connection_would_not_do(
    small_batches, monkeypatch
):
    """SQLite (one write lock), or PostgreSQL inside a transaction."""
    _guides(6)
    names = _record_threads(monkeypatch)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            get_embedded_engine().rebuild(all_documents())
    else:
        indexing.rebuild([get_embedded_engine()])
    assert names and set(names) == {threading.current_thread().name}
    assert len(found("handover checklist")) == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_batches_are_written_on_their_own_thread_committed_in_order(
    small_batches, monkeypatch
):
    _guides(13)
    IndexedDocument.objects.all().delete()
    names = _record_threads(monkeypatch)
    before = _sessions()
    seen, reported = [], []

    def between_batches(engine, count):
        reported.append(sum(reported[-1:]) + count)
        seen.append(_in_other_connection(IndexedDocument.objects.count))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert len(names) >= 3
    assert all(name.startswith("search-rebuild-writer") for name in names)
    # Reported once committed; the batch beside it may be committed too.
    assert all(n >= done for n, done in zip(seen, reported, strict=True))
    assert reported[-1] == IndexedDocument.objects.count()
    assert IndexedDocument.objects.filter(title__startswith="Handover checklist").count() == 13
    assert not _writer_threads()
    assert _sessions(settle_to=before) <= before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_a_batch_that_fails_fails_the_rebuild_and_the_index_stays_searchable(
    small_batches, monkeypatch
):
    _guides(10)
    get_embedded_engine().rebuild(all_documents())
    assert len(found("handover checklist")) == 10
    before = _sessions()
    real = writing.EmbeddedWriter._write_prepared
    calls = []

    def failing(self, rows, rebuilding=False):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the server went away mid-batch")
        return real(self, rows, rebuilding)

    monkeypatch.setattr(writing.EmbeddedWriter, "_write_prepared", failing)
    with pytest.raises(RuntimeError, match="went away"):
        indexing.rebuild([get_embedded_engine()])
    monkeypatch.setattr(writing.EmbeddedWriter, "_write_prepared", real)
    assert len(found("handover checklist")) == 10
    assert IndexedDocument.objects.filter(title__startswith="Handover checklist").count() == 10
    assert not _writer_threads()
    assert _sessions(settle_to=before) <= before
