"""A rebuild builds its documents in another process (search/prefetch.py):
they come in order, the builder's error or death is an error in the
rebuild, a reader that stops early ends the builder, documents are built in
line inside a transaction and on in-memory SQLite, and a PostgreSQL rebuild
leaves no process or session behind.
"""

import multiprocessing
import os

from django.db import connection, transaction

import pytest

from search import indexing
from search.engines import get_embedded_engine
from search.models import IndexedDocument

from .rebuild_helpers import _guides, _sessions, found


def _no_builder_left():
    """No builder process is left running or unreaped."""
    return not [p for p in multiprocessing.active_children() if p.name.startswith("search-")]


def test_prefetched_documents_come_in_order_from_another_process(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        for i in range(prefetch.CHUNK * 3 + 7):
            yield (i, os.getpid(), os.nice(0))

    items = list(prefetch.prefetched(make))
    assert [i for i, _, _ in items] == list(range(prefetch.CHUNK * 3 + 7))
    assert {pid for _, pid, _ in items} - {os.getpid()}, "built in this process"
    # Behind the rebuild's writer and learners' requests for a processor.
    assert {nice for _, _, nice in items} == {min(19, os.nice(0) + prefetch.BUILDER_NICENESS)}
    assert _no_builder_left()


def test_prefetched_raises_the_builders_error_here(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        yield 1
        raise ValueError("a guide's body could not be read")

    with pytest.raises(ValueError, match="could not be read") as raised:
        list(prefetch.prefetched(make))
    assert "document builder process" in "".join(getattr(raised.value, "__notes__", []))
    assert _no_builder_left()


def test_a_builder_that_dies_is_an_error_here_not_a_short_index(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        yield 1
        os._exit(3)  # killed, out of memory...

    with pytest.raises(RuntimeError, match="ended early"):
        list(prefetch.prefetched(make))
    assert _no_builder_left()


def test_a_reader_that_stops_early_ends_the_builder(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        yield from range(10**9)

    items = prefetch.prefetched(make)
    assert [next(items) for _ in range(5)] == list(range(5))
    items.close()
    assert _no_builder_left()


@pytest.mark.django_db
def test_prefetched_builds_here_inside_a_transaction():
    """Another connection would not see this transaction's writes."""
    from search import prefetch

    with transaction.atomic():
        assert set(prefetch.prefetched(lambda: iter([os.getpid()]))) == {os.getpid()}


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_prefetched_builds_here_on_an_in_memory_sqlite_database():
    from search import prefetch

    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        pytest.skip("the test database is not in-memory SQLite")
    assert not connection.in_atomic_block
    assert set(prefetch.prefetched(lambda: iter([os.getpid()]))) == {os.getpid()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_rebuild_builds_in_another_process_and_leaves_no_connection():
    _guides(6)
    IndexedDocument.objects.all().delete()

    before = _sessions()
    indexing.rebuild([get_embedded_engine()])
    assert _no_builder_left()
    assert _sessions(settle_to=before) <= before
    # Counted before searching: a search opens the engine's second
    # connection (search/engines/postgres_shards.py), which stays open.
    assert len(found("handover checklist")) == 6
