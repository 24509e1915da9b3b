"""What the rebuild benchmark (benchmarks/search_rebuild_bench.py) reads
while a rebuild runs: the server process and CPU of each of its
connections, how long each of its transactions held the database (SQLite's
write lock), the SQLite write-ahead log's size, and this process's own
counters (CPU, disk reads, waits), to tell a long hold's causes apart."""

from __future__ import annotations

import contextlib
import os
import resource
import struct
import sys
import threading
import time

from .processes import pid_cpu_seconds
from .stalls import StallSampler

_THREAD = threading.local()


def thread_backend(backends):
    """This thread's PostgreSQL server process (None on SQLite), asked once
    per thread and noted in `backends` ({pid: [its CPU seconds when first
    seen, when last seen]}): a PostgreSQL rebuild writes its batches on
    threads of their own, each with its own connection
    (search/engines/embedded/batch_writer.py), closed before it ends."""
    if not hasattr(_THREAD, "pid"):
        _THREAD.pid = backend_pid()
        if _THREAD.pid is not None:
            cpu = pid_cpu_seconds(_THREAD.pid)
            backends[_THREAD.pid] = [cpu, cpu]
    return _THREAD.pid


def backend_cpu_seen(backends, pid):
    """Note a rebuild connection's server CPU after one of its transactions."""
    if pid is not None:
        backends[pid][1] = pid_cpu_seconds(pid) or backends[pid][1]


def time_holds(backends):
    """Time each transaction of the rebuild (batches, merges between them,
    the swap of the full-text tables, stale documents, spelling terms and
    emptying the old table), from inside it (SQLite's write lock held) to the end of its commit
    (FTS5 writes its new segment then): [(epoch start, ms, the function
    that opened it, ms of it in the commit)]. Through the ``atomic_index``
    name of the modules that open them (search/database.py), so the engine
    runs unchanged."""
    from search.database import atomic_index
    from search.engines import sqlite, sqlite_tables
    from search.engines.embedded import spelling, writing

    holds = []
    real = atomic_index
    stalls = StallSampler()

    @contextlib.contextmanager
    def timed_atomic(*args, **kwargs):
        kind = sys._getframe(2).f_code.co_name  # past contextlib's __enter__
        atomic = real(*args, **kwargs)
        pid = thread_backend(backends)
        with atomic:
            at, began, before = time.time(), time.perf_counter(), own_counters()
            stalls.begin()
            yield
            committing = time.perf_counter()
        ended = time.perf_counter()
        backend_cpu_seen(backends, pid)
        where = stalls.end()
        spent = [after - start for after, start in zip(own_counters(), before, strict=True)]
        holds.append((at, (ended - began) * 1000, kind, (ended - committing) * 1000, spent, where))

    for module in (writing, spelling, sqlite, sqlite_tables):
        module.atomic_index = timed_atomic
    return holds


def sqlite_file(index=False):
    """The SQLite database file of this process's connection (opened), or
    None for another database or an in-memory one. ``index``: the search
    index's database (the same unless SEARCH_DATABASE_URL gives it its own:
    search/database.py), else the site's."""
    from django.db import connection as site

    from search.database import index_db

    connection = index_db if index else site
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    connection.ensure_connection()  # it makes the -wal and -shm files
    return connection.settings_dict["NAME"]


def wal_file_mb(index=False):
    name = sqlite_file(index)
    if name is not None:
        with contextlib.suppress(OSError):
            return round(os.path.getsize(f"{name}-wal") / 2**20, 1)
    return None


def wal_header_reader(index=False):
    """A function giving (pages in the WAL, pages of them copied into the
    database) from the WAL index's header in the -shm file (mxFrame at byte
    16, nBackfill at byte 96, in the machine's byte order), or None: a read
    that takes no lock and changes nothing. The file is opened once and
    read in place; the process's end closes it. None for the whole function
    where there is no WAL."""
    name = sqlite_file(index)
    if name is None:
        return None
    index = os.open(f"{name}-shm", os.O_RDONLY)

    def header():
        try:
            data = os.pread(index, 100, 0)
            return struct.unpack_from("=I", data, 16)[0], struct.unpack_from("=I", data, 96)[0]
        except (OSError, struct.error):
            return None

    return header


def log_pages(engine, holds):
    """[(pages in the WAL, pages of them copied into the database, epoch
    seconds, the kind of the transaction just ended)] after each checkpoint
    the rebuild makes between its transactions (SQLite), from the -shm
    header (wal_header_reader). (Asking SQLite for another passive
    checkpoint instead, as a first version did, made the rebuild sync again
    after each transaction.)"""
    found = []
    header = wal_header_reader(index=True)
    if header is None:
        return found
    real = type(engine)._after_transaction

    def after(self):
        real(self)
        if (pages := header()) is not None:
            found.append((*pages, time.time(), holds[-1][2] if holds else None))

    type(engine)._after_transaction = after
    return found


def own_counters():
    """This process's CPU time (ms), bytes read from the disk (KiB, not the
    page cache), involuntary context switches (preempted while runnable),
    voluntary ones (blocked: waiting in a system call), time waiting for a
    processor (ms), page faults that read from the disk, and the machine's
    steal time (ms, both processors: time the host ran something else
    while this machine's processors had work), to tell a long hold's causes
    apart: its own work, the disk, waiting for a processor, the host, or
    waiting in the kernel (the rest)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    read = queued = steal = 0
    with contextlib.suppress(OSError), open("/proc/self/io") as io:
        for line in io:
            if line.startswith("read_bytes:"):
                read = int(line.split()[1])
    # The main thread's time runnable but waiting for a processor, ns.
    with contextlib.suppress(OSError, ValueError), open("/proc/self/schedstat") as stat:
        queued = int(stat.read().split()[1])
    # The first line: "cpu user nice system idle iowait irq softirq steal ...",
    # in clock ticks.
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/stat") as stat:
        steal = int(stat.readline().split()[8])
    return (
        (usage.ru_utime + usage.ru_stime) * 1000,
        read / 1024,
        usage.ru_nivcsw,
        usage.ru_nvcsw,
        queued / 1e6,
        usage.ru_majflt,
        steal * 1000 / _TICKS,
    )


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def backend_pid():
    """This thread's connection to the index's database: its PostgreSQL
    server process (on this machine), or None."""
    from search.database import index_db

    if index_db.vendor != "postgresql":
        return None
    with index_db.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
