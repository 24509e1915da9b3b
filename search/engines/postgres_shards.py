"""The PostgreSQL index in shards, searched side by side.

At 100,000 guides a search's time is mostly reading each match's row: one
table page a match, wherever the row is kept (docs/benchmarks.md,
"twentieth" to "twenty-seventh pass"). The full-text index is therefore in
SHARDS partial GIN indexes, by document id (migration 0010). A text search
sends one statement a shard (postgres_results.py): the request's own
connection reads one shard's matches while a second connection, in a thread
of this process, reads the other's, and the pages are merged here. The work
is the same, each row read once by one of the two, but with a core free a
search takes a little more than half as long.

One statement over every shard (both indexes read as one, a BitmapOr or a
UNION ALL) is sent instead, on the request's connection, when:

- the index's connection is inside a transaction: the other connection
  would not see what it wrote (an editor's save, a test's transaction);
- the second connection is busy with another thread's search (a process
  serving requests in threads): waiting for it would be slower;
- connections are not kept between requests (``CONN_MAX_AGE`` 0): opening
  the second one for each search would cost more than it saves.

When the second connection fails, its shard's statement is sent again on the
request's own connection, and the error logged.

Each process then keeps one more connection to the index's database, opened
on its first search and closed like the others (CONN_MAX_AGE, errors).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import DatabaseError, connections

from search.database import index_db

logger = logging.getLogger(__name__)

SHARDS = 2  # the partial indexes of migration 0010
INDEX_NAMES = tuple(f"search_doc_vector_s{k}" for k in range(SHARDS))

Statement = tuple[str, list]
Row = tuple[Any, ...]


def in_shard(alias: str, shard: int | None = None) -> str:
    """The condition that lets PostgreSQL match ``alias.search_vector``
    through shard `shard`'s index, or (None) through every shard's (one
    BitmapOr): the indexes are partial, so a statement must name them, in
    the words of their definition (``mod``, not ``%``: PostgreSQL proves a
    partial index usable by comparing the expressions)."""
    column = f"{alias}.id" if alias else "id"
    if shard is not None:
        return f"mod({column}, {SHARDS}) = {shard}"
    return "(" + " OR ".join(f"mod({column}, {SHARDS}) = {k}" for k in range(SHARDS)) + ")"


def in_each_shard(select: str) -> str:
    """`select`, whose WHERE ends with ``{shard}``, once a shard, as one
    UNION ALL. For a match joined to its query (``t.search_vector @@
    q.query``): PostgreSQL does not combine a join's condition with an OR
    of shards into one read of both indexes, and read the whole table
    instead (150 ms at 100,000 guides)."""
    return " UNION ALL ".join(select.format(shard=in_shard("t", k)) for k in range(SHARDS))


class _Second:
    """The thread that holds this process's second connection, and whether
    a search is using it."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.free = threading.Semaphore(1)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-shard")
        self.backend_pids: set[int] = set()


_second: _Second | None = None
_second_lock = threading.Lock()


def _the_second() -> _Second:
    """This process's, made on first use (a thread started before a server
    forks its workers does not run in them)."""
    global _second
    with _second_lock:
        if _second is None or _second.pid != os.getpid():
            _second = _Second()
        return _second


def _fetch_one(alias: str, statement: Statement) -> Row:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchone()


def _in_second_thread(second: _Second, alias: str, statement: Statement) -> Row:
    connection = connections[alias]
    # What Django does for a request's connection at its start and end.
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        # psycopg knows its backend's pid: no statement for it.
        second.backend_pids.add(connection.connection.info.backend_pid)
        cursor.execute(*statement)
        return cursor.fetchone()


def side_by_side(statements: Sequence[Statement]) -> list[Row] | None:
    """Each of two statements' one row, the first read on this thread's
    connection while the second connection reads the second. None, with
    nothing sent, when they cannot be read at the same time (this
    connection in a transaction, the second connection busy): one
    statement over every shard is then cheaper than two in turn."""
    if len(statements) != 2 or index_db.in_atomic_block:
        return None
    if not index_db.settings_dict.get("CONN_MAX_AGE"):
        # Connections closed after each request (CONN_MAX_AGE 0): the second
        # would be opened again for every search, dearer than what it saves.
        return None
    second = _the_second()
    if not second.free.acquire(blocking=False):
        return None
    alias = index_db.alias
    try:
        other: Future[Row] = second.thread.submit(_in_second_thread, second, alias, statements[1])
        try:
            first = _fetch_one(alias, statements[0])
        finally:
            # Never leave the second connection reading for a search that
            # has ended.
            done = _outcome(other)
    finally:
        second.free.release()
    if isinstance(done, DatabaseError):
        logger.warning("Second search connection failed (%s); read on this one.", done)
        return [first, _fetch_one(alias, statements[1])]
    return [first, done]


def _outcome(future: Future[Row]) -> Row | DatabaseError:
    try:
        return future.result()
    except DatabaseError as error:
        return error


def _on_second(job: Callable[[], Any]) -> Any:
    second = _the_second()
    with_free = second.free.acquire(timeout=30)
    try:
        return second.thread.submit(job).result()
    finally:
        if with_free:
            second.free.release()


def close_second_connections() -> None:
    """Close the second connection (from its own thread, as Django
    requires): before a test database is dropped, and when a process
    stops using the index."""
    if _second is None or _second.pid != os.getpid():
        return
    _on_second(connections.close_all)


def second_backend_pids() -> set[int]:
    """The PostgreSQL backends that served the second connection so far
    (benchmarks add their CPU to the search's)."""
    return set(_second.backend_pids) if _second is not None else set()
