"""The SQLite engine's full-text tables: two FTS5 tables, one of them live,
and a view named ``search_fts`` that every search reads, over the live one.

A rebuild writes every document's full-text entries into the other table
while searches go on reading the live one through the view; at the end one
short transaction points the view at the rebuilt table, and the table it
pointed at before is emptied a chunk per transaction and dropped. Rewriting
the entries in place instead held SQLite's only write lock for up to 200 ms
at a time, so a learner's write could wait that long (docs/benchmarks.md,
"tenth pass"):

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

The swap redefines the view and two triggers; it renames nothing. Renaming
the two FTS5 tables (and with them their ten shadow tables) held the lock
55-144 ms, as SQLite parses the whole schema for every rename ("eleventh
pass"). FTS5 queries through the view as through the table: the view's
column named like the view stands for the table's own hidden column, so
``search_fts MATCH``, ``bm25(search_fts)``, ``highlight(search_fts, ...)``
and ``snippet(search_fts, ...)`` read the live table.

While a rebuild's table exists (its trigger, NEXT_TRIGGER, marks it), every
other write of full-text entries (a page published during the rebuild)
goes to both tables, and deleting a document row deletes its entries from
both. A rebuild that stops half way leaves its table behind, still kept up
to date; the next rebuild empties it and starts again. One rebuild runs at
a time (one_rebuild_at_a_time).

Shadow tables (``<name>_data`` and the like) are FTS5's own, documented in
SQLite's FTS5 documentation; they are written here only to empty a table
nothing reads any more.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import re
import time
from collections.abc import Iterator
from typing import Any

from search.database import atomic_index, index_db, migrate_command

from .base import EngineUnavailable
from .embedded.pacing import FreeSpells, no_collection

# The view searches read (migration 0008), and the two tables it can show.
VIEW, TABLES = "search_fts", ("search_fts_a", "search_fts_b")
# As migrations 0002 and 0007 made the full-text table.
COLUMNS = "title, summary, objectives, body, meta"
OPTIONS = "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2'"
# FTS5's default: merge a level once it holds this many segments.
AUTOMERGE = 4
# A document row's entries go with the row: from the live table (migration
# 0002's trigger, remade at every swap), and from a rebuild's table.
TRIGGER, NEXT_TRIGGER = "search_fts_follow_delete", "search_fts_next_follow_delete"
# Rows of a shadow table deleted per transaction, to begin with; then sized
# to take about the rebuild's transaction time.
DISCARD_FIRST, DISCARD_MIN, DISCARD_MAX = 200, 50, 20000
_VIEW_SOURCE = re.compile(r"\bFROM\s+(search_fts_[ab])\b")


class RebuildRunning(EngineUnavailable):
    """Another rebuild of the index is running on this database."""


@dataclasses.dataclass(frozen=True)
class Tables:
    """Which table the view shows, and whether a rebuild is writing the other."""

    live: str
    rebuilding: bool

    @property
    def other(self) -> str:
        return TABLES[1] if self.live == TABLES[0] else TABLES[0]

    @property
    def written(self) -> list[str]:
        """The tables an ordinary write of full-text entries goes to."""
        return [self.live, self.other] if self.rebuilding else [self.live]


def tables() -> Tables:
    """Read from the schema in one statement: inside the caller's write
    transaction this is the state the write sees, as a swap is a write."""
    with index_db.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE name IN (%s, %s)", [VIEW, NEXT_TRIGGER]
        )
        found = dict(cursor.fetchall())
    source = _VIEW_SOURCE.search(found.get(VIEW) or "")
    if source is None:
        raise EngineUnavailable(
            f"the full-text view {VIEW} is missing or not as migration 0008 made it; "
            f"run {migrate_command()}"
        )
    return Tables(live=source.group(1), rebuilding=NEXT_TRIGGER in found)


def view_sql(table: str) -> str:
    return (
        f"CREATE VIEW {VIEW} (rowid, {COLUMNS}, {VIEW}) AS "
        f"SELECT rowid, {COLUMNS}, {table} FROM {table}"
    )


def trigger_sql(trigger: str, table: str) -> str:
    return (
        f"CREATE TRIGGER {trigger} AFTER DELETE ON search_indexeddocument "
        f"BEGIN DELETE FROM {table} WHERE rowid = old.id; END"
    )


def fts_command(cursor: Any, table: str, command: str, value: int) -> None:
    """One of FTS5's special INSERT commands ('automerge', 'merge') on
    ``table``, as SQLite's FTS5 documentation writes them."""
    cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES (%s, %s)", [command, value])


def in_memory() -> bool:
    """Is this connection's SQLite database in memory (no file, no WAL)?"""
    return bool(getattr(index_db, "is_in_memory_db", lambda: True)())


def lock_path() -> str | None:
    """The rebuild's lock file, beside the database's -wal and -shm files;
    None for an in-memory database."""
    return None if in_memory() else f"{index_db.settings_dict['NAME']}-rebuild-lock"


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


@contextlib.contextmanager
def checkpoints_outside_commits() -> Iterator[None]:
    """No automatic checkpoint in this connection's commits while it lasts:
    the rebuild checkpoints after each transaction itself, with the write
    lock free (SqliteEngine._after_transaction). Left on, a commit that
    takes the WAL to wal_autocheckpoint pages (1,000) copies them into the
    database and syncs both files before it returns; SQLite frees the
    write lock first, but the rebuild's next transaction waits for it all
    the same. The setting is the connection's own; it is put back after."""
    if in_memory():
        yield
        return
    with index_db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (pages,) = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with index_db.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")


def table_exists(name: str) -> bool:
    with index_db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
        return cursor.fetchone() is not None


def create_next() -> str:
    """The empty table a rebuild writes (the one the view does not show),
    merging nothing in its commits, and the trigger that deletes a removed
    document's entries from it and marks it as a rebuild's. Its name."""
    with atomic_index(), index_db.cursor() as cursor:
        name = tables().other
        cursor.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({COLUMNS}, {OPTIONS})")
        fts_command(cursor, name, "automerge", 0)
        cursor.execute(trigger_sql(NEXT_TRIGGER, name))
    return name


def swap() -> str:
    """Point the view, and the live table's trigger, at the rebuilt table,
    in one transaction that renames nothing; it merges in its commits again.
    The name of the table the view showed before, for discard()."""
    with atomic_index(), index_db.cursor() as cursor:
        now = tables()
        if not now.rebuilding:
            raise EngineUnavailable("no rebuilt full-text table to swap in")
        rebuilt = now.other
        cursor.execute(f"DROP TRIGGER {NEXT_TRIGGER}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        cursor.execute(f"DROP VIEW {VIEW}")
        cursor.execute(view_sql(rebuilt))
        cursor.execute(trigger_sql(TRIGGER, rebuilt))
        fts_command(cursor, rebuilt, "automerge", AUTOMERGE)
    return now.live


def discard(name: str, spells: FreeSpells, transaction_s: float, spell_s: float) -> None:
    """Empty the FTS5 table ``name`` (never the live one) a chunk of rows per
    transaction, each about ``transaction_s`` long and each followed by a
    free spell of at most ``spell_s``, then drop it. Dropping a full table
    at once would free every page in one transaction. A rebuild's table
    stops taking writes first (its trigger goes)."""
    if not table_exists(name):
        return
    with atomic_index(), index_db.cursor() as cursor:
        if name == tables().live:
            raise ValueError(f"{name} is the full-text table searches read")
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
    with atomic_index(), index_db.cursor() as cursor:
        cursor.execute(f"DROP TABLE {name}")


def _empty(
    table: str, key: str, where: str, spells: FreeSpells, transaction_s: float, spell_s: float
) -> None:
    if not table_exists(table):  # FTS5 makes some shadow tables only with some options
        return
    size = spells.sizes.get(table, DISCARD_FIRST)  # rows differ in size between tables
    while True:
        spells.wait()
        with no_collection(), atomic_index(), index_db.cursor() as cursor:
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
