"""Documents built in a background thread while the rebuild writes.

Building a document is Python work; writing it is mostly the database's (the
PostgreSQL server's, or SQLite's C code, both outside the GIL). A rebuild
that did both in turn would leave one of the two idle: ``prefetched`` runs
the document generator in a thread with its own database connection, a few
chunks ahead of the writer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import connection, connections

T = TypeVar("T")
CHUNK = 100
DEPTH = 20  # chunks waiting at most


def _can_use_thread() -> bool:
    """Not inside a transaction (another connection would not see its
    writes, e.g. in a test), nor on an in-memory SQLite database (another
    connection gets table locks instead of waiting)."""
    if connection.in_atomic_block:
        return False
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)
    return not (connection.vendor == "sqlite" and in_memory())


def prefetched(make: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The items ``make()`` yields, produced in a background thread when
    that is safe (else here). Its exceptions are raised here."""
    if not _can_use_thread():
        yield from make()
        return
    chunks: queue.Queue[list[T] | BaseException | None] = queue.Queue(maxsize=DEPTH)
    stop = threading.Event()

    def put(item: list[T] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            chunk: list[T] = []
            for item in make():
                chunk.append(item)
                if len(chunk) >= CHUNK:
                    if not put(chunk):
                        return
                    chunk = []
            if (not chunk or put(chunk)) and put(None):
                return
        except BaseException as error:  # handed to the consumer
            put(error)
        finally:
            connections.close_all()  # this thread's connections

    thread = threading.Thread(target=produce, name="search-rebuild-documents", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        thread.join(timeout=5)
