"""A SQLite rebuild writes a new full-text table beside the one searches read
(through the view ``search_fts``) and points the view at it at the end
(search/engines/sqlite_tables.py). What a reader or an editor would notice:
searches answer from the old table until the swap; a page published or
withdrawn during the rebuild is as published or withdrawn afterwards; a
rebuild that fails leaves searches as they were; emptying the old table
lets other connections write between its chunks; a database indexed before
the view (migration 0008) keeps its entries.
"""

import contextlib
import gc
import io
import re
import sys

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from search import indexing
from search.database import index_alias, index_db
from search.documents import all_documents, documents_for
from search.engines import get_embedded_engine, sqlite_tables
from search.engines.embedded.pacing import FreeSpells, no_collection
from search.models import IndexedDocument, PendingIndexUpdate

from .rebuild_helpers import _guides, _in_other_connection, found

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _tables():
    """The full-text view, tables and triggers, as (type, name, table the
    view reads or the trigger deletes from)."""
    with index_db.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name IN ('search_fts', "
            "'search_fts_a', 'search_fts_b', 'search_fts_next', 'search_fts_old', "
            "'search_fts_follow_delete', 'search_fts_next_follow_delete') ORDER BY name"
        )
        rows = cursor.fetchall()
    return [
        (kind, name, name if kind == "table" else re.findall(r"FROM (\w+)", sql)[-1])
        for kind, name, sql in rows
    ]


def _settled():
    """What a finished rebuild leaves: the view and the delete trigger on
    one table, and no other."""
    live = sqlite_tables.tables().live
    return [
        ("view", "search_fts", live),
        ("table", live, live),
        ("trigger", "search_fts_follow_delete", live),
    ]


def _entries(table="search_fts"):
    with index_db.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a fixed name)
        return cursor.fetchone()[0]


def _automerge():
    live = sqlite_tables.tables().live
    with index_db.cursor() as cursor:
        cursor.execute(f"SELECT v FROM {live}_config WHERE k = 'automerge'")  # noqa: S608
        row = cursor.fetchone()
        return None if row is None else int(row[0])


def _document(page):
    page.refresh_from_db()
    documents, gone = documents_for({page.pk})
    assert not gone
    return documents


def test_a_rebuild_swaps_in_one_table_that_merges_in_its_commits_again(small_batches):
    guides = _guides(10)
    before = sqlite_tables.tables().live
    indexing.rebuild([get_embedded_engine()])
    # The view now shows the other table; the one it showed has gone.
    assert sqlite_tables.tables().live != before
    assert _tables() == _settled()
    assert _automerge() == sqlite_tables.AUTOMERGE
    assert _entries() == IndexedDocument.objects.count()
    assert len(found("handover checklist")) == 10
    # A document row deleted takes its entries with it (the trigger names
    # the table searches read now).
    IndexedDocument.objects.filter(page_id=guides[0].pk).delete()
    assert _entries() == IndexedDocument.objects.count()


def test_searches_answer_from_the_old_table_until_the_swap(small_batches):
    _guides(10)
    get_embedded_engine().rebuild(all_documents())
    during = []

    def between_batches(engine, count):
        during.append((_tables(), len(found("handover checklist"))))

    live = sqlite_tables.tables().live
    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert len(during) >= 3
    for schema, hits in during:
        assert ("view", "search_fts", live) in schema and hits == 10
        rebuilt = sqlite_tables.Tables(live, rebuilding=True).other
        assert ("trigger", "search_fts_next_follow_delete", rebuilt) in schema


def test_a_page_changed_during_a_rebuild_is_changed_in_the_table_swapped_in(small_batches):
    """The page's document is rewritten by the rebuild first, then indexed
    again (as the outbox task does on publish) while the rebuild goes on:
    both tables take the change."""
    guides = _guides(12)
    first = guides[0]
    changed = []

    def between_batches(engine, count):
        if not changed:
            first.title = "Handover in the emergency department"
            first.save_revision().publish()
            engine.index(_document(first))
            changed.append(first.pk)

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert changed
    assert found("emergency department handover") == ["Handover in the emergency department"]
    assert "Handover checklist 0" not in found("handover checklist")


def test_a_page_withdrawn_during_a_rebuild_is_not_found_afterwards(small_batches):
    guides = _guides(12)
    removed = []

    def between_batches(engine, count):
        if not removed:
            engine.remove([guides[0].pk])
            removed.append(guides[0].pk)

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert removed
    assert "Handover checklist 0" not in found("handover checklist")
    assert _entries() == IndexedDocument.objects.count()


def test_a_rebuild_that_fails_half_way_leaves_searches_as_they_were(small_batches):
    _guides(10)
    engine = get_embedded_engine()
    engine.rebuild(all_documents())

    def failing():
        for number, document in enumerate(all_documents()):
            if number == 6:
                raise RuntimeError("the document builder stopped")
            yield document

    live = sqlite_tables.tables().live
    with pytest.raises(RuntimeError, match="builder stopped"):
        engine.rebuild(failing())
    assert sqlite_tables.tables().live == live
    assert _tables() == _settled()
    assert len(found("handover checklist")) == 10


@pytest.mark.parametrize("stopped", ["while writing", "after the swap, while emptying"])
def test_a_rebuild_empties_what_an_interrupted_one_left(small_batches, stopped):
    guides = _guides(6)
    engine = get_embedded_engine()
    engine.rebuild(all_documents())
    # A rebuild stopped half way (its process killed): its table and its
    # trigger stay, and a publish meanwhile is written to both tables.
    left = sqlite_tables.create_next()
    engine.index(_document(guides[1]))
    assert _entries(left) == 1
    if stopped != "while writing":
        # Stopped after a swap, while emptying the old table: no trigger,
        # no more writes.
        with index_db.cursor() as cursor:
            cursor.execute("DROP TRIGGER search_fts_next_follow_delete")
        engine.index(_document(guides[2]))
        assert _entries(left) == 1
    indexing.rebuild([engine])
    assert _tables() == _settled()
    assert len(found("handover checklist")) == 6


def test_emptying_the_old_table_lets_other_connections_write_between_chunks(monkeypatch):
    _guides(8)
    engine = get_embedded_engine()
    engine.rebuild(all_documents())
    rebuilt = sqlite_tables.create_next()
    with index_db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {rebuilt} (rowid, title, summary, objectives, body, meta) "  # noqa: S608
            "SELECT rowid, title, summary, objectives, body, meta FROM search_fts"
        )
    old = sqlite_tables.swap()
    assert sqlite_tables.tables().live == rebuilt != old
    monkeypatch.setattr(sqlite_tables, "DISCARD_FIRST", 3)
    monkeypatch.setattr(sqlite_tables, "DISCARD_MIN", 3)
    monkeypatch.setattr(sqlite_tables, "DISCARD_MAX", 3)
    seen_by_other = []

    def write_and_count():
        PendingIndexUpdate.objects.create(
            page_id=10**9 + len(seen_by_other), requested_at=timezone.now()
        )
        return _entries(f"{old}_content")

    class Watching(FreeSpells):
        def wait(self):
            assert not index_db.in_atomic_block
            # Another connection writes (as a learner's "mark complete"
            # would) and counts the old table's documents left.
            seen_by_other.append(_in_other_connection(write_and_count))

    sqlite_tables.discard(old, Watching(0.8), 0.02, 0.005)
    assert _tables() == _settled()
    lefts = [n for n in seen_by_other if n]
    assert lefts == sorted(lefts, reverse=True) and len(set(lefts)) >= 3
    assert len(found("handover checklist")) == 8


def test_the_table_searches_read_is_never_emptied():
    _guides(2)
    get_embedded_engine().rebuild(all_documents())
    live = sqlite_tables.tables().live
    with pytest.raises(ValueError, match="searches read"):
        sqlite_tables.discard(live, FreeSpells(0.8), 0.02, 0.005)
    assert len(found("handover checklist")) == 2


def test_an_index_written_before_the_view_keeps_its_entries():
    """Migration 0008 on a database indexed by the code before it: the
    table is renamed, not rebuilt, and searches find what they found."""
    _guides(4)
    get_embedded_engine().rebuild(all_documents())
    call_command("migrate", "search", "0007", database=index_alias(), verbosity=0)
    with index_db.cursor() as cursor:
        cursor.execute("SELECT type FROM sqlite_master WHERE name = 'search_fts'")
        assert cursor.fetchone() == ("table",)
    assert _entries() == 4
    call_command("migrate", "search", database=index_alias(), verbosity=0)
    assert sqlite_tables.tables().live == "search_fts_a"
    assert _tables() == _settled()
    assert len(found("handover checklist")) == 4
    IndexedDocument.objects.all().delete()  # the trigger follows the table
    assert _entries() == 0


def test_no_garbage_collection_while_a_rebuild_holds_a_transaction():
    assert gc.isenabled()
    with no_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_collection():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_a_second_rebuild_on_the_same_database_is_refused_while_one_runs(monkeypatch, tmp_path):
    """Two at once would each empty the other's new table. The lock is a
    file beside the database; the in-memory test database has no file, so
    the test names one."""
    lock = tmp_path / "curbside.sqlite3-rebuild-lock"
    monkeypatch.setattr(sqlite_tables, "lock_path", lambda: str(lock))
    _guides(3)
    running = pytest.raises(CommandError, match="another rebuild of the search index is running")
    with sqlite_tables.one_rebuild_at_a_time(), running:
        call_command("search_index", "rebuild", "--embedded-only", stdout=io.StringIO())
    # Free again once the first has ended.
    call_command("search_index", "rebuild", "--embedded-only", stdout=io.StringIO())
    assert len(found("handover checklist")) == 3


def _autocheckpoint():
    with index_db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return cursor.fetchone()[0]


def test_a_rebuild_commits_without_checkpointing_and_puts_the_setting_back(monkeypatch, tmp_path):
    """The rebuild checkpoints after each of its transactions, with the
    write lock free; a checkpoint inside its commits (wal_autocheckpoint)
    would copy and sync the WAL before the next transaction could begin
    (docs/benchmarks.md, "twelfth pass"). The test database is in memory
    (no WAL; SQLite keeps the setting all the same), so the engine is told
    it has a file, and its rebuild lock is one in a temporary folder."""
    monkeypatch.setattr(sqlite_tables, "in_memory", lambda: False)
    monkeypatch.setattr(sqlite_tables, "lock_path", lambda: str(tmp_path / "db-rebuild-lock"))
    _guides(3)
    with index_db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint = 777")
    during = []
    get_embedded_engine().rebuild(all_documents(), lambda *_: during.append(_autocheckpoint()))
    assert during and set(during) == {0}
    assert _autocheckpoint() == 777
    assert len(found("handover checklist")) == 3

    def fail(documents):
        yield from documents
        raise RuntimeError("the page store went away")

    with pytest.raises(RuntimeError, match="went away"):
        get_embedded_engine().rebuild(fail(all_documents()))
    assert _autocheckpoint() == 777
    assert len(found("handover checklist")) == 3


def test_before_each_transaction_the_rebuild_checkpoints_what_others_wrote_meanwhile(
    small_batches, monkeypatch
):
    """A checkpoint at the end of every free spell, just before the next
    transaction begins, as well as one right after each transaction: SQLite
    starts the WAL over only when a transaction begins with all of it
    copied, and a learner's write in the spell left some uncopied, so the
    WAL grew through a whole rebuild (to 190,197 pages in one) and learners'
    commits checkpointed it (docs/benchmarks.md, "thirteenth pass"). The
    test database is in memory (no WAL): the order of checkpoints and
    transactions is what is checked."""
    from search.engines import sqlite as sqlite_engine
    from search.engines.embedded import writing

    _guides(12)
    events = []
    real = writing.atomic_index

    @contextlib.contextmanager
    def atomic(*args, **kwargs):
        kind = sys._getframe(2).f_code.co_name  # past contextlib's __enter__
        with real(*args, **kwargs):
            events.append(kind)
            yield

    for module in (writing, sqlite_engine, sqlite_tables):
        monkeypatch.setattr(module, "atomic_index", atomic)
    monkeypatch.setattr(sqlite_engine, "in_memory", lambda: False)
    with sqlite_engine.index_db.execute_wrapper(_record_checkpoints(events)):
        get_embedded_engine().rebuild(all_documents())
    paced = [i for i, kind in enumerate(events) if kind in ("flush", "_merge")]
    assert len([i for i in paced if events[i] == "flush"]) == 3  # 12 guides, 4 a batch
    for i in paced:
        assert events[i - 1] == "checkpoint", events[i - 1 : i + 1]
        assert events[i + 1] == "checkpoint", events[i : i + 2]
    assert _entries() == IndexedDocument.objects.count() >= 12


def _record_checkpoints(events):
    def record(execute, sql, params, many, context):
        if sql.startswith("PRAGMA wal_checkpoint"):
            events.append("checkpoint")
        return execute(sql, params, many, context)

    return record
