"""Django's SQLite backend, waiting for the write lock in short, even steps.

A transaction here begins with ``BEGIN IMMEDIATE`` (settings: the write lock
is taken at the start, so writers queue instead of failing half-way). When
another connection holds the lock, SQLite's own busy handler sleeps between
tries for 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms: a writer
that has waited 78 ms tries next at 103 ms and then at 128 ms, however soon
the lock came free. During a search rebuild, which holds the lock for about
20 ms at a time, 50-80 ms when FTS5 merges and now and then over 100 ms, that
schedule turned an 80 ms hold into a learner's write waiting 103 ms.

So a transaction's BEGIN tries again every POLL_S instead, for as long as
the connection's busy timeout (OPTIONS "timeout") allows, and then fails
with SQLite's own "database is locked". Statements outside a transaction
keep SQLite's busy handler. Each try costs microseconds; a waiting writer
gets the lock within about POLL_S of its release.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

POLL_S = 0.002
SQLITE_BUSY = 5


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # Python before 3.11
        return "database is locked" in str(error)
    return code & 0xFF == SQLITE_BUSY


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        conn = super().get_new_connection(conn_params)
        # The busy timeout sqlite3.connect set from OPTIONS "timeout", in ms.
        self._busy_timeout_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        mode = getattr(self, "transaction_mode", None)  # (not in django-stubs)
        if mode not in ("IMMEDIATE", "EXCLUSIVE"):
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        conn = self.connection
        timeout_ms = getattr(self, "_busy_timeout_ms", 5000)
        deadline = time.monotonic() + timeout_ms / 1000
        begin = f"BEGIN {mode}"
        # The PRAGMAs go straight to SQLite; the BEGIN through a Django cursor,
        # so that it is logged and counted as before.
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.cursor().execute(begin)
                    return
                except OperationalError as error:
                    cause = error.__cause__
                    if not isinstance(cause, sqlite3.OperationalError) or not _is_busy(cause):
                        raise
                    if time.monotonic() + POLL_S > deadline:
                        raise
                time.sleep(POLL_S)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
