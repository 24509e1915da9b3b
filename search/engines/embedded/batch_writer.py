"""A rebuild's batches written on threads of their own, so the rebuild's
process reads and prepares the next batch while the database writes.

Why: on PostgreSQL most of a rebuild is the server's work (parsing each
text into its tsvector, about four fifths of it, then the GIN and other
index entries: about 0.74 ms of server CPU per guide at 100,000 guides),
and the rebuild's process waited for each batch before it read the next one
from the document builder and prepared it. Done one after the other, the
two left a processor idle for part of every batch (docs/benchmarks.md,
"fifteenth pass").

Each thread has its own database connection (Django's are per thread),
opened at its first batch and closed by close(). Each batch is its own
transaction. With more than one thread, batches are written side by side
and may commit in another order; a rebuild's batches hold different
documents, so the index they leave is the same.
Only where another connection sees what the caller's sees: not inside a
transaction (a test's), and not for SQLite, whose single write lock a
second writer would only queue for (EmbeddedWriter.rebuild decides).
"""

from __future__ import annotations

import collections
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from search.database import index_db

T = TypeVar("T")


class BatchWriter(Generic[T]):
    """``write(batch)`` on `threads` threads, at most one batch each in
    flight: submit() hands a batch over while the writer is not full();
    finish() waits for the oldest batch in flight and returns (its count as
    the caller gave it, the seconds ``write`` returned), or raises the
    error ``write`` raised."""

    def __init__(self, write: Callable[[T], float], threads: int = 1) -> None:
        self._write = write
        self._threads = threads
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: collections.deque[tuple[concurrent.futures.Future[float], int]] = (
            collections.deque()
        )

    def full(self) -> bool:
        """Every thread has a batch: finish() one before the next submit()."""
        return len(self._pending) >= self._threads

    def submit(self, batch: T, count: int) -> None:
        """Write `batch` (of `count` documents) on a thread."""
        if self.full():
            raise RuntimeError("every writer thread has a batch: finish() one first")
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._threads, thread_name_prefix="search-rebuild-writer"
            )
        self._pending.append((self._pool.submit(self._write, batch), count))

    def finish(self) -> tuple[int, float] | None:
        """The oldest batch in flight, written: (count, seconds), or None if
        there is none. Its error is raised here."""
        if not self._pending:
            return None
        future, count = self._pending.popleft()
        return count, future.result()

    def close(self) -> None:
        """End the threads, after the batches in flight (whose errors the
        caller has had from finish(), or is raising another), and close
        their connections."""
        if self._pool is None:
            return
        concurrent.futures.wait([future for future, _ in self._pending])
        self._pending.clear()
        # One closing job per thread: each waits at the barrier until every
        # thread has taken one (a thread not started yet is started for it).
        barrier = threading.Barrier(self._threads)

        def close_connection() -> None:
            try:
                index_db.close()
            finally:
                barrier.wait(timeout=60)

        try:
            for job in [self._pool.submit(close_connection) for _ in range(self._threads)]:
                job.result()
        finally:
            self._pool.shutdown(wait=True)
            self._pool = None
