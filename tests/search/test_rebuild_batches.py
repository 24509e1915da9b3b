"""A full rebuild of the embedded index commits batch by batch: other
connections write (and read the new rows) between batches, searches answer
during it, and a page changed during a rebuild is searchable as changed
afterwards (the outbox catches up).
"""

from django.db import connection
from django.utils import timezone

import pytest

from search import indexing
from search.documents import all_documents
from search.engines import get_embedded_engine
from search.models import IndexedDocument, PendingIndexUpdate

from .rebuild_helpers import _guides, _in_other_connection, found


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rebuild_commits_each_batch_so_other_connections_write_between(small_batches):
    _guides(12)
    IndexedDocument.objects.all().delete()
    seen_by_other, reported = [], []

    def between_batches(engine, count):
        assert not connection.in_atomic_block
        reported.append(sum(reported[-1:]) + count)
        # Another connection writes (what an editor's publish writes) and
        # sees the documents written so far.
        _in_other_connection(
            lambda: PendingIndexUpdate.objects.create(
                page_id=10**9 + len(seen_by_other), requested_at=timezone.now()
            )
        )
        seen_by_other.append(_in_other_connection(IndexedDocument.objects.count))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert len(seen_by_other) >= 3
    # A batch is reported once committed. On PostgreSQL two are written side
    # by side (batch_writer.py), so the next may be committed too.
    assert all(seen >= done for seen, done in zip(seen_by_other, reported, strict=True))
    if connection.vendor == "sqlite":
        assert seen_by_other[:3] == [4, 8, 12]
    assert seen_by_other == sorted(seen_by_other)
    assert len(found("handover checklist")) == 10  # a page of results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_changed_during_a_rebuild_is_found_as_changed_afterwards(small_batches, monkeypatch):
    guides = _guides(10)
    first = guides[0]
    # The outbox row is written with the change; the task that would apply it
    # at once does not run, as with a worker that is busy or down.
    monkeypatch.setattr(indexing, "_announce", lambda: None)
    changed = []

    def between_batches(engine, count):
        if not changed:  # the first guide's document is already rewritten
            first.title = "Handover in the emergency department"
            first.save_revision().publish()
            changed.append(first.pk)
            assert PendingIndexUpdate.objects.filter(page_id=first.pk).exists()

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert changed
    assert found("emergency department handover") == ["Handover in the emergency department"]
    assert not PendingIndexUpdate.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_searches_answer_during_a_rebuild(small_batches):
    _guides(10)
    get_embedded_engine().rebuild(all_documents())
    during = []

    def between_batches(engine, count):
        during.append(len(found("handover checklist")))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert during and all(n == 10 for n in during)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_rebuild_commits_batches_other_connections_see(small_batches):
    _guides(9)
    IndexedDocument.objects.all().delete()
    seen, reported = [], []

    def between_batches(engine, count):
        reported.append(sum(reported[-1:]) + count)
        seen.append(_in_other_connection(IndexedDocument.objects.count))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    # Each batch is committed when reported (two are written side by side,
    # so the next one may be too), and none before it is missing.
    assert reported[:2] == [4, 8]
    assert all(n >= done for n, done in zip(seen, reported, strict=True))
    assert seen == sorted(seen) and seen[-1] == IndexedDocument.objects.count()
