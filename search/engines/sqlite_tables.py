"""The SQLite engine's full-text table during a rebuild: a new FTS5 table
written beside the one searches read, swapped in at the end.

A rebuild writes every document's full-text entries into ``search_fts_next``
while searches go on reading ``search_fts``; at the end one short
transaction swaps the two, and the old table is emptied a chunk per
transaction before it is dropped. Rewriting the entries in place instead
held SQLite's only write lock for up to 200 ms at a time, so a learner's
write could wait that long (docs/benchmarks.md, "tenth pass"):

- an entry rewritten in place is a delete marker for the old one plus the
  new one; FTS5 merges segments until it has written so many *output*
  pages, and where the old entries and their delete markers cancel out
  nothing is written, so one merge step could read and free thousands of
  pages;
- FTS5 merges inside the commit that writes a new segment (``automerge``):
  a quantum of 64 pages for each level of the index, in the rebuild's
  batch transaction.

The new table starts empty (nothing cancels out), merges nothing in its
commits (``automerge`` 0 while it is written) and is merged instead a few
pages per transaction between batches (SqliteEngine._between_batches).

While the new table exists, every other write of full-text entries (a page
published during the rebuild) goes to both tables, and deleting a document
row deletes its entries from both (a second trigger). A rebuild that stops
half way leaves the new table behind, still kept up to date; the next
rebuild empties it and starts again. One rebuild runs at a time
(one_rebuild_at_a_time).

Shadow tables (``<name>_data`` and the like) are FTS5's own, documented in
SQLite's FTS5 documentation; they are written here only to empty a table
nothing reads any more.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator

from django.db import connection, transaction

from .base import EngineUnavailable
from .embedded.writing import FreeSpells, no_collection

TABLE, NEXT, OLD = "search_fts", "search_fts_next", "search_fts_old"
# As migrations 0002 and 0007 made the table searches read.
COLUMNS = "title, summary, objectives, body, meta"
OPTIONS = "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2'"
# FTS5's default: merge a level once it holds this many segments.
AUTOMERGE = 4
# Migration 0002's trigger: a document row's entries go with the row.
TRIGGER, NEXT_TRIGGER = "search_fts_follow_delete", "search_fts_next_follow_delete"
# Rows of a shadow table deleted per transaction, to begin with; then sized
# to take about the rebuild's transaction time.
DISCARD_FIRST, DISCARD_MIN, DISCARD_MAX = 200, 50, 20000


class RebuildRunning(EngineUnavailable):
    """Another rebuild of the index is running on this database."""


def in_memory() -> bool:
    """Is this connection's SQLite database in memory (no file, no WAL)?"""
    return bool(getattr(connection, "is_in_memory_db", lambda: True)())


def lock_path() -> str | None:
    """The rebuild's lock file, beside the database's -wal and -shm files;
    None for an in-memory database."""
    return None if in_memory() else f"{connection.settings_dict['NAME']}-rebuild-lock"


@contextlib.contextmanager
def one_rebuild_at_a_time() -> Iterator[None]:
    """An exclusive lock on a file beside the database while a rebuild runs:
    a second rebuild would empty the first one's new table under it. The
    operating system lets the lock go when the process ends, however it
    ends. Nothing to lock for an in-memory database (one process)."""
    path = lock_path()
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildRunning(
                f"another rebuild of the search index is running on this database "
                f"(it holds {path}); let it finish, then rebuild again if needed"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
        return cursor.fetchone() is not None


def _trigger_sql(trigger: str, table: str) -> str:
    return (
        f"CREATE TRIGGER {trigger} AFTER DELETE ON search_indexeddocument "
        f"BEGIN DELETE FROM {table} WHERE rowid = old.id; END"
    )


def create_next() -> None:
    """The empty table a rebuild writes, merging nothing in its commits, and
    the trigger that deletes a removed document's entries from it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE VIRTUAL TABLE {NEXT} USING fts5({COLUMNS}, {OPTIONS})")
        cursor.execute(f"INSERT INTO {NEXT} ({NEXT}, rank) VALUES ('automerge', 0)")
        cursor.execute(_trigger_sql(NEXT_TRIGGER, NEXT))


def swap() -> None:
    """Make the rebuilt table the one searches read, in one transaction
    (renaming FTS5 tables renames their shadow tables: no entry is copied).
    The old table becomes OLD, for discard()."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Renaming a table rewrites the triggers that name it; these are
        # dropped first and the one searches need made again.
        cursor.execute(f"DROP TRIGGER IF EXISTS {NEXT_TRIGGER}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER TABLE {NEXT} RENAME TO {TABLE}")
        cursor.execute(_trigger_sql(TRIGGER, TABLE))
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('automerge', %s)", [AUTOMERGE])


def discard(name: str, spells: FreeSpells, transaction_s: float, spell_s: float) -> None:
    """Empty the FTS5 table ``name`` a chunk of rows per transaction, each
    about ``transaction_s`` long and each followed by a free spell of at
    most ``spell_s``, then drop it. Dropping a full table at once would free every page in one
    transaction."""
    if not table_exists(name):
        return
    if name == NEXT:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {NEXT_TRIGGER}")
    # Rows 1 and 10 of _data (the column averages and the index's structure)
    # stay: FTS5 reads them to open the table, and DROP TABLE opens it.
    for shadow, key, where in (
        (f"{name}_data", "id", "id > 10"),
        (f"{name}_content", "id", "1"),
        (f"{name}_docsize", "id", "1"),
        (f"{name}_idx", "segid, term", "1"),
    ):
        _empty(shadow, key, where, spells, transaction_s, spell_s)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {name}")


def _empty(
    table: str, key: str, where: str, spells: FreeSpells, transaction_s: float, spell_s: float
) -> None:
    if not table_exists(table):  # FTS5 makes some shadow tables only with some options
        return
    size = spells.sizes.get(table, DISCARD_FIRST)  # rows differ in size between tables
    while True:
        spells.wait()
        with no_collection(), transaction.atomic(), connection.cursor() as cursor:
            began = time.perf_counter()
            cursor.execute(
                f"DELETE FROM {table} WHERE ({key}) IN "
                f"(SELECT {key} FROM {table} WHERE {where} LIMIT %s)",
                [size],
            )
            deleted = cursor.rowcount
        took = time.perf_counter() - began
        spells.held(took, spell_s)
        if deleted < size:
            return
        size = spells.resize(table, size, took, transaction_s, DISCARD_MIN, DISCARD_MAX)
