"""Documents built in another process while the rebuild writes.

Building a document is Python work; writing it is mostly the database's (the
PostgreSQL server's, or SQLite's C code) plus a little Python. A thread
could not build documents while the writer runs Python (the GIL), so
``prefetched`` runs the document generator in a forked process with its own
database connections, a few chunks ahead of the writer, and hands the
items over a pipe (pickled). Where another connection would not see the
same data (inside a transaction, e.g. a test; an in-memory SQLite
database) or fork is not available, the items are made here instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from django.db import connection, connections

T = TypeVar("T")
CHUNK = 100
DEPTH = 8  # chunks waiting in the builder process at most
# The builder process runs this much nicer than the rebuild: where the
# processors are short (2 cores: the rebuild's writer, the builder, learners'
# requests), the writer, which may hold SQLite's only write lock, and the
# requests get a processor first, and a lock holder is less often paused
# with the lock held.
BUILDER_NICENESS = 10
# Connections the builder process inherited from its parent: kept referenced
# and never closed there (closing one would end the parent's session).
_INHERITED: list[Any] = []


def _can_use_process() -> bool:
    """Not inside a transaction (another connection would not see its
    writes, e.g. in a test), nor on an in-memory SQLite database (another
    process has its own, empty, one), and only where fork is available."""
    if connection.in_atomic_block:
        return False
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)
    if connection.vendor == "sqlite" and in_memory():
        return False
    return "fork" in multiprocessing.get_all_start_methods()


def prefetched(make: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The items ``make()`` yields, in order, produced in another process
    when that is safe (else here). Its exceptions are raised here. The
    process is ended and reaped however the caller stops reading."""
    if not _can_use_process():
        yield from make()
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_produce, args=(make, writer), name="search-rebuild-documents", daemon=True
    )
    process.start()
    writer.close()
    try:
        while True:
            try:
                kind, payload = reader.recv()
            except EOFError:
                process.join(timeout=5)
                raise RuntimeError(
                    "The search rebuild's document builder process ended early "
                    f"(exit code {process.exitcode})."
                ) from None
            if kind == "done":
                return
            if kind == "error":
                raise payload
            yield from payload
    finally:
        reader.close()  # a builder still sending gets a broken pipe and stops
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join()
        process.close()


def _produce(make: Callable[[], Iterator[Any]], writer: Connection) -> None:
    """The builder process: chunks of ``make()``'s items, then "done" (or the
    error), sent by a thread so that building goes on while a chunk waits
    for the reader."""
    _use_own_connections()
    with contextlib.suppress(OSError):  # nowhere to lower it from: run as is
        os.nice(BUILDER_NICENESS)
    chunks: queue.Queue[tuple[str, Any] | None] = queue.Queue(maxsize=DEPTH)
    stopped = threading.Event()

    def send() -> None:
        try:
            while (message := chunks.get()) is not None:
                writer.send(message)
        except (BrokenPipeError, OSError):  # the reader stopped reading
            stopped.set()

    def put(message: tuple[str, Any] | None) -> bool:
        while not stopped.is_set():
            try:
                chunks.put(message, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    sender = threading.Thread(target=send, name="search-rebuild-sender", daemon=True)
    sender.start()
    try:
        chunk: list[Any] = []
        for item in make():
            chunk.append(item)
            if len(chunk) >= CHUNK:
                if not put(("items", chunk)):
                    return
                chunk = []
        if chunk and not put(("items", chunk)):
            return
        put(("done", None))
    except BaseException as error:  # handed to the reader
        put(("error", _portable(error)))
    finally:
        put(None)
        sender.join(timeout=30)
        connections.close_all()  # this process's own connections
        writer.close()


def _use_own_connections() -> None:
    """In the forked process: fresh connection objects for every database
    the parent had open; the inherited ones are set aside untouched."""
    for inherited in connections.all(initialized_only=True):
        _INHERITED.append(inherited)
        connections[inherited.alias] = type(inherited)(inherited.settings_dict, inherited.alias)


def _portable(error: BaseException) -> BaseException:
    """The error with the builder's traceback as a note, or a RuntimeError
    telling it when the error itself cannot be pickled."""
    import pickle

    where = "".join(traceback.format_exception(error))
    try:
        error.add_note(f"In the search rebuild's document builder process:\n{where}")
        # Some errors pickle but cannot be rebuilt from their arguments; the
        # bytes are this process's own.
        pickle.loads(pickle.dumps(error))  # noqa: S301
        return error
    except Exception:
        return RuntimeError(f"The search rebuild's document builder failed:\n{where}")
