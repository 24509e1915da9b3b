"""Full rebuild of the embedded search index, with learners writing meanwhile.

    .venv/bin/python benchmarks/search_rebuild_bench.py                 # 100,000 guides
    .venv/bin/python benchmarks/search_rebuild_bench.py --guides 2000 --no-postgres

For each database kind (SQLite always; PostgreSQL when BENCH_DATABASE_URL or
--postgres-url names one, or else a throw-away cluster this script starts when
/usr/lib/postgresql/*/bin/initdb exists) it:

1. builds a fresh database: ``migrate`` and ``seed_demo`` (the demo site, its
   mentors, guides, paths and index), then ``--guides`` generated guides
   (benchmarks/search_corpus.py: live rows under /guides/, 400-700 words of
   body each) and WRITER_USERS learners; with ``--reuse`` a database built by
   an earlier run for the same number of guides is copied instead (SQLite:
   var/bench/search_rebuild_<N>.sqlite3; PostgreSQL: the database
   ``<name>_t<N>`` beside the one named, used as a template);
2. starts a writer: a separate process with its own connection that, in a
   loop (a pause of --pause-ms between writes), enrols a learner on a
   learning path and records one step completion, in one transaction, as
   ``enrol`` and "mark complete" do, and times each transaction;
3. once the writer has written for a few seconds, runs a full rebuild of the
   embedded engine (``search.indexing.rebuild([get_embedded_engine()])``, what
   ``manage.py search_index rebuild --embedded-only`` runs, without the
   command's start-up) and times it: documents/second is the documents
   indexed over that time. Its CPU time is the rebuild process's plus the
   document builder process's it forks (search/prefetch.py;
   ``rebuild_main_process_cpu_s`` in the raw results is the first alone),
   and on PostgreSQL the server CPU is that of the rebuild's connections
   (its own, and the one its batches are written on, from a thread of its
   own: search/engines/embedded/batch_writer.py; not the builder's, which
   only reads);
4. with ``--again``, does steps 2-3 once more: a rebuild over the index the
   first one wrote, as ``search_index rebuild`` runs on a site already
   indexed (on SQLite every document is written again; on PostgreSQL only
   rows whose document changed are, and here none has, unless ``--changed``
   made every row differ first: the worst case); the first rebuild
   writes into an index holding only the demo's documents;
5. stops the writer and reports the latency of the writes that started
   during the rebuild (count, median, p99, max) and of those before it;
   for each write, the wait to begin (SQLite: for the write lock) and the
   commit are timed apart; and how long each of the rebuild's transactions
   took from inside it to the end of its commit (on SQLite it holds the
   write lock all that time; FTS5 writes and merges in the commit), with
   the longest of each kind, the commits alone (how many over 25 ms, the
   longest), on SQLite the log's size in pages after each checkpoint the
   rebuild makes between its transactions (the largest after each kind of
   transaction) and the -wal file's size at the end, and for each over
   50 ms the process's CPU time, disk reads, preemptions, blocking system
   calls, time waiting for a processor and page faults read from the disk
   during it, and the machine's steal time (the host running something
   else), and from 50 ms on, every 20 ms, the system call and kernel stack
   the process was in (benchmarks/harness/stalls.py); for learners' writes,
   on SQLite, how many commits found the log at 1,000 pages or more (so
   ran a checkpoint), and for each write over 50 ms the same counters and
   samples for the writer's process.

The 1-minute load average is recorded before and after each rebuild: the
machine is shared, so a high load means slower figures. Raw results go to
var/bench/search_rebuild.json. Targets (issue #16): at least 1,000
documents/second, and no learner write waiting more than 100 ms.

Exit status: 0 when the run completed (targets met or not), 2 when setup failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, write_json
from benchmarks.harness.databases import fresh_sqlite_url, migrate_and_seed
from benchmarks.harness.options import add_search_database_options
from benchmarks.harness.postgres import (
    create_database,
    database_exists,
    postgres_bin_dir,
    query,
    recreate_database,
    throwaway_postgres,
)
from benchmarks.harness.processes import (
    child_answer,
    child_command,
    child_main,
    django_setup,
    manage,
    own_cpu,
    pid_cpu_seconds,
    production_env,
    run_child,
)
from benchmarks.harness.stalls import StallSampler
from benchmarks.harness.stats import load_average, machine_info, median, percentile

HERE = Path(__file__).resolve().parent
RESULTS_PATH = BENCH_DIR / "search_rebuild.json"
DEFAULT_GUIDES = 100_000
DEFAULT_PAUSE_MS = 20
WRITER_USERS = 30_000
WARM_UP_S = 3.0
PG_PORT = 54332
PG_DATABASE = "curbside_rebuild_bench"
TARGET_DOCS_PER_S = 1000
TARGET_WRITE_MS = 100


def bench_env(db_url):
    env = production_env(db_url)
    env.pop("ELASTICSEARCH_URL", None)
    return env


# Child phases (Django set up in the child) ----------------------------------------


def phase_learners(count):
    """Learners for the writer: users and profiles, written directly."""
    django_setup()
    from benchmarks.harness.seeding import bulk_learners

    bulk_learners("rebuild", int(count), "Rebuild")
    return {"learners": int(count)}


def phase_writer(pause_ms, stop_path):
    """Enrol a learner and mark a step complete, one transaction each, until
    ``stop_path`` exists; print each write's start and duration."""
    django_setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from learning.models import Enrolment, LearningPathPage, PathStep, StepCompletion

    pause = float(pause_ms) / 1000
    stop = Path(stop_path)
    # Learners no earlier run enrolled (--again runs the writer twice).
    users = list(
        get_user_model()
        .objects.filter(username__startswith="rebuild")
        .exclude(pk__in=Enrolment.objects.values("user_id"))
        .values_list("pk", flat=True)
    )
    steps = []
    for path in LearningPathPage.objects.live().order_by("pk"):
        step = PathStep.objects.filter(page=path).select_related("guide").first()
        if step:
            steps.append((path.pk, step.guide_id, step.guide.title))
    header = _wal_header_reader() or (lambda: None)
    stalls = StallSampler()
    writes = []
    i = 0
    Path(f"{stop_path}.ready").touch()
    while not stop.exists() and i < len(users) * len(steps):
        user_id = users[i % len(users)]
        path_id, guide_id, title = steps[(i // len(users)) % len(steps)]
        started = time.time()
        before = _own_counters()
        stalls.begin()
        begun = time.perf_counter()
        with transaction.atomic():
            locked = time.perf_counter()  # SQLite's BEGIN IMMEDIATE has the write lock
            enrolment = Enrolment.objects.create(user_id=user_id, path_id=path_id)
            StepCompletion.objects.create(enrolment=enrolment, guide_id=guide_id, guide_title=title)
            committing = time.perf_counter()
            frames = (header() or (None,))[0]
        done = time.perf_counter()
        where = stalls.end()
        took = (done - begun) * 1000
        # For a write over 50 ms, what this process did meanwhile (as for the
        # rebuild's long holds: _own_counters).
        spent = (
            [round(a - b) for a, b in zip(_own_counters(), before, strict=True)]
            if took > 50
            else None
        )
        # Start, then milliseconds: in all, waiting to begin, and committing
        # (on SQLite, a commit that takes the WAL past wal_autocheckpoint
        # pages also checkpoints), then the WAL's pages just before the
        # commit (SQLite; else None), the counters, and where the process
        # was from 50 ms on (harness/stalls.py).
        writes.append(
            (
                started,
                took,
                (locked - begun) * 1000,
                (done - committing) * 1000,
                frames,
                spent,
                where,
            )
        )
        i += 1
        time.sleep(pause)
    return {"writes": writes, "exhausted": not stop.exists()}


def phase_rebuild():
    """The full rebuild of the embedded engine, timed; start and end as epoch
    seconds so the writer's timings can be matched."""
    django_setup()
    from search.engines import get_embedded_engine
    from search.indexing import rebuild
    from search.models import IndexedDocument

    load_before = load_average()
    server_pid = _backend_pid()
    server_cpu = pid_cpu_seconds(server_pid)
    cpu, all_cpu = own_cpu(), own_cpu(children=True)
    engine = get_embedded_engine()
    backends = {}
    holds = _time_holds(backends)
    log_pages = _log_pages(engine, holds)
    started = time.time()
    begun = time.perf_counter()
    counts = rebuild([engine])
    seconds = time.perf_counter() - begun
    wal_file_mb = _wal_file_mb()
    cpu, all_cpu = own_cpu() - cpu, own_cpu(children=True) - all_cpu
    if server_cpu is not None:
        server_cpu = (pid_cpu_seconds(server_pid) or server_cpu) - server_cpu
        # And the connection the batches were written on, when another
        # (its process has ended: its CPU as of its last transaction).
        server_cpu += sum(
            (last or 0) - (first or 0)
            for pid, (first, last) in backends.items()
            if pid != server_pid
        )
    return {
        "documents": sum(counts.values()),
        # The rebuild's own process, and that plus its document builder process.
        "rebuild_process_cpu_s": all_cpu,
        "rebuild_main_process_cpu_s": cpu,
        "database_server_cpu_s": server_cpu,
        "indexed_rows": IndexedDocument.objects.count(),
        "seconds": seconds,
        "started": started,
        "ended": started + seconds,
        "load_before": load_before,
        "load_after": load_average(),
        "transactions": len(holds),
        "transactions_by_kind": dict(Counter(hold[2] for hold in holds)),
        # The longest hold of each kind, ms.
        "hold_max_ms_by_kind": {
            kind: round(max(hold[1] for hold in holds if hold[2] == kind), 1)
            for kind in dict.fromkeys(hold[2] for hold in holds)
        },
        "hold_median_ms": median([hold[1] for hold in holds]),
        # SQLite: pages in the WAL after each of the rebuild's checkpoints
        # (median, max, how many at 1,000 or more: a learner committing then
        # checkpoints), and checkpoints that could not copy every page.
        "log_pages": {
            "median": median([p for p, *_ in log_pages]) if log_pages else None,
            "max": max([p for p, *_ in log_pages], default=None),
            "at_1000_or_more": sum(p >= 1000 for p, *_ in log_pages),
            "incomplete": sum(c < p for p, c, *_ in log_pages),
            # The largest after each kind of transaction.
            "max_by_kind": {
                kind: max(p for p, _, _, k in log_pages if k == kind)
                for kind in dict.fromkeys(k for *_, k in log_pages)
            },
            # When the WAL first reached 10,000 pages (s from the start).
            "first_at_10000_s": next(
                (round(at - started, 1) for p, _, at, _ in log_pages if p >= 10_000), None
            ),
        },
        # SQLite: the -wal file's size once the rebuild has ended, MB. SQLite
        # reuses the file from its start but does not shrink it while a
        # connection is open (journal_size_limit is -1).
        "wal_file_mb": wal_file_mb,
        # The commits alone, ms: the longest, and how many took over 25 ms.
        "commit_max_ms": round(max([hold[3] for hold in holds], default=0), 1),
        "commits_over_25_ms": sum(hold[3] > 25 for hold in holds),
        "hold_max_ms": max([hold[1] for hold in holds], default=None),
        # Transactions of the rebuild that held the write lock over 50 ms,
        # commit included: when they began (seconds from the start), for
        # how long (ms), the function that opened them, the commit's part
        # (ms), and during it this process's CPU (ms), disk reads (KiB),
        # involuntary and voluntary context switches, time waiting for a
        # processor (ms), page faults read from the disk and the machine's
        # steal time (ms) (_own_counters).
        # Then where this process was from 50 ms on (harness/stalls.py).
        "holds_over_50_ms": [
            (round(at - started, 2), round(ms, 1), kind, round(commit, 1), *map(round, used), where)
            for at, ms, kind, commit, used, where in holds
            if ms > 50
        ],
    }


_THREAD = threading.local()


def _thread_backend(backends):
    """This thread's PostgreSQL server process (None on SQLite), asked once
    per thread and noted in `backends` ({pid: [its CPU seconds when first
    seen, when last seen]}): a PostgreSQL rebuild writes its batches on
    threads of their own, each with its own connection
    (search/engines/embedded/batch_writer.py), closed before it ends."""
    if not hasattr(_THREAD, "pid"):
        _THREAD.pid = _backend_pid()
        if _THREAD.pid is not None:
            cpu = pid_cpu_seconds(_THREAD.pid)
            backends[_THREAD.pid] = [cpu, cpu]
    return _THREAD.pid


def _backend_cpu_seen(backends, pid):
    """Note a rebuild connection's server CPU after one of its transactions."""
    if pid is not None:
        backends[pid][1] = pid_cpu_seconds(pid) or backends[pid][1]


def _time_holds(backends):
    """Time each transaction of the rebuild (batches, merges between them,
    the swap of the full-text tables, stale documents, spelling terms and
    emptying the old table), from inside it (SQLite's write lock held) to the end of its commit
    (FTS5 writes its new segment then): [(epoch start, ms, the function
    that opened it, ms of it in the commit)]. Through the ``transaction`` name of the modules that
    open them, so the engine runs unchanged."""
    import contextlib

    from django.db import transaction

    from search.engines import sqlite, sqlite_tables
    from search.engines.embedded import spelling, writing

    holds = []
    real = transaction
    stalls = StallSampler()

    @contextlib.contextmanager
    def timed_atomic(*args, **kwargs):
        kind = sys._getframe(2).f_code.co_name  # past contextlib's __enter__
        atomic = real.atomic(*args, **kwargs)
        pid = _thread_backend(backends)
        with atomic:
            at, began, before = time.time(), time.perf_counter(), _own_counters()
            stalls.begin()
            yield
            committing = time.perf_counter()
        ended = time.perf_counter()
        _backend_cpu_seen(backends, pid)
        where = stalls.end()
        spent = [after - start for after, start in zip(_own_counters(), before, strict=True)]
        holds.append((at, (ended - began) * 1000, kind, (ended - committing) * 1000, spent, where))

    for module in (writing, spelling, sqlite, sqlite_tables):
        module.transaction = SimpleNamespace(atomic=timed_atomic)
    return holds


def _sqlite_file():
    """The SQLite database file of this process's connection (opened), or
    None for another database or an in-memory one."""
    from django.db import connection

    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    connection.ensure_connection()  # it makes the -wal and -shm files
    return connection.settings_dict["NAME"]


def _wal_file_mb():
    name = _sqlite_file()
    if name is not None:
        with contextlib.suppress(OSError):
            return round(os.path.getsize(f"{name}-wal") / 2**20, 1)
    return None


def _wal_header_reader():
    """A function giving (pages in the WAL, pages of them copied into the
    database) from the WAL index's header in the -shm file (mxFrame at byte
    16, nBackfill at byte 96, in the machine's byte order), or None: a read
    that takes no lock and changes nothing. The file is opened once and
    read in place; the process's end closes it. None for the whole function
    where there is no WAL."""
    name = _sqlite_file()
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


def _log_pages(engine, holds):
    """[(pages in the WAL, pages of them copied into the database, epoch
    seconds, the kind of the transaction just ended)] after each checkpoint
    the rebuild makes between its transactions (SQLite), from the -shm
    header (_wal_header_reader). (Asking SQLite for another passive
    checkpoint instead, as a first version did, made the rebuild sync again
    after each transaction.)"""
    found = []
    header = _wal_header_reader()
    if header is None:
        return found
    real = type(engine)._after_transaction

    def after(self):
        real(self)
        if (pages := header()) is not None:
            found.append((*pages, time.time(), holds[-1][2] if holds else None))

    type(engine)._after_transaction = after
    return found


def _own_counters():
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


def _backend_pid():
    """This connection's PostgreSQL server process (on this machine), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


# The parent -----------------------------------------------------------------------


def prepare(db_url, guides):
    env = bench_env(db_url)
    migrate_and_seed(db_url, without=("ELASTICSEARCH_URL",))
    print(f"  adding {guides:,} generated guides...", flush=True)
    generated = run_child(HERE / "search_corpus.py", "generate", env, guides)
    print(f"    inserted in {generated['insert_s']:.1f} s", flush=True)
    run_child(__file__, "learners", env, WRITER_USERS)


def rebuild_with_writer(db_url, pause_ms):
    """Start the writer, let it write WARM_UP_S, rebuild, stop it."""
    env = bench_env(db_url)
    manage(["migrate", "--noinput"], env)  # a reused database gets this version's migrations
    stop_path = BENCH_DIR / f"rebuild-writer-{os.getpid()}.stop"
    for path in (stop_path, Path(f"{stop_path}.ready")):
        path.unlink(missing_ok=True)
    writer = subprocess.Popen(
        child_command(__file__, "writer", pause_ms, stop_path),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 120
        while not Path(f"{stop_path}.ready").exists():
            if writer.poll() is not None or time.time() > deadline:
                raise BenchError(f"the writer did not start:\n{writer.communicate()[1]}")
            time.sleep(0.1)
        time.sleep(WARM_UP_S)
        print("  rebuilding...", end=" ", flush=True)
        rebuilt = run_child(__file__, "rebuild", env)
        print(
            f"{rebuilt['documents']:,} documents in {rebuilt['seconds']:.1f} s "
            f"({rebuilt['documents'] / rebuilt['seconds']:,.0f}/s)",
            flush=True,
        )
        time.sleep(1.0)
        stop_path.touch()
        out, err = writer.communicate(timeout=120)
    except BaseException:
        writer.send_signal(signal.SIGTERM)
        writer.wait(timeout=30)
        raise
    finally:
        for path in (stop_path, Path(f"{stop_path}.ready")):
            path.unlink(missing_ok=True)
    if writer.returncode != 0:
        raise BenchError(f"the writer failed:\n{out}{err}")
    written = child_answer("writer", out, err)
    return rebuilt, written


def summarise_writes(writes, start, end):
    during_writes = [w for w in writes if start <= w[0] <= end]
    # SQLite: commits that found the WAL at wal_autocheckpoint pages or more.
    checkpointing = [w for w in during_writes if w[4] is not None and w[4] >= 1000]
    during = [w[1] for w in during_writes]
    before = [w[1] for w in writes if w[0] < start]
    return {
        "during": {
            "count": len(during),
            "median_ms": median(during),
            "p99_ms": percentile(during, 0.99),
            "max_ms": max(during, default=None),
            "over_100_ms": sum(1 for ms in during if ms > TARGET_WRITE_MS),
            # When the slow ones began, in seconds from the rebuild's start
            # (the batches, or the housekeeping at the end).
            "over_100_ms_at_s": [
                round(started - start, 1)
                for started, ms, *_ in during_writes
                if ms > TARGET_WRITE_MS
            ],
            # The same writes: (ms in all, ms waiting to begin, ms committing,
            # the WAL's pages before the commit, the writer's counters, where
            # the writer was from 50 ms on).
            "over_100_ms_parts": [
                (*(round(ms, 1) for ms in parts[:3]), *parts[3:])
                for _, *parts in during_writes
                if parts[0] > TARGET_WRITE_MS
            ],
            # The same for every write over 50 ms, with when it began.
            "over_50_ms_parts": [
                (round(started - start, 1), *(round(ms, 1) for ms in parts[:3]), *parts[3:])
                for started, *parts in during_writes
                if parts[0] > 50
            ],
            "commit_over_20_ms": sum(1 for w in during_writes if len(w) > 3 and w[3] > 20),
            # SQLite: commits that found the WAL at wal_autocheckpoint pages
            # (1,000) or more, so checkpointed; how many, how many of them
            # took over 20 ms, and how many of the others did.
            "commits_checkpointing": len(checkpointing),
            "checkpointing_over_20_ms": sum(1 for w in checkpointing if w[3] > 20),
            "not_checkpointing_over_20_ms": sum(
                1 for w in during_writes if w[4] is not None and w[4] < 1000 and w[3] > 20
            ),
            "wait_over_50_ms": sum(1 for w in during_writes if len(w) > 2 and w[2] > 50),
        },
        "before": {
            "count": len(before),
            "median_ms": median(before),
            "max_ms": max(before, default=None),
        },
    }


def bench_database(kind, db_url, prepared, args):
    """The rebuild into the fresh index (only the demo's documents in it),
    and with --again a second one over the index the first wrote, as
    ``search_index rebuild`` runs on a site already indexed."""
    results = []
    again = f"{kind}, over the index" + (", every guide changed" if args.changed else "")
    for label in (kind, again)[: 2 if args.again else 1]:
        if label == again and args.changed and kind == "postgresql":
            print("  every row made to differ from its guide, then VACUUM (ANALYZE)...", flush=True)
            query(db_url, "UPDATE search_indexeddocument SET facet_ids = '{}'")
            query(db_url, "VACUUM (ANALYZE) search_indexeddocument")
        print(f"\n== {label}", flush=True)
        load_start = load_average()
        rebuilt, written = rebuild_with_writer(db_url, args.pause_ms)
        writes = summarise_writes(written["writes"], rebuilt["started"], rebuilt["ended"])
        results.append(
            {
                "database": label,
                "prepared": prepared,
                "load_average_1min_at_start": load_start,
                "rebuild": rebuilt,
                "documents_per_s": rebuilt["documents"] / rebuilt["seconds"],
                "writes": writes,
                "writer_ran_out_of_learners": written["exhausted"],
            }
        )
    return results


def sqlite_database(guides, reuse):
    template = BENCH_DIR / f"search_rebuild_{guides}.sqlite3"
    work = BENCH_DIR / "search_rebuild.sqlite3"
    prepared = "reused"
    if not (reuse and template.exists()):
        prepared = "built"
        prepare(fresh_sqlite_url(template), guides)
    url = fresh_sqlite_url(work)
    _checkpoint(template)
    shutil.copyfile(template, work)
    return url, prepared


def _checkpoint(path):
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def postgres_database(url, guides, reuse, settle=True):
    """The database ``url`` names, copied from its template ``<name>_t<N>``
    (built first unless reused). A template just built is vacuumed and
    analysed unless ``settle`` is false (docs/search.md, "Rebuilding after
    a bulk load")."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    template_name = f"{parts.path.lstrip('/')}_t{guides}"
    template_url = urllib.parse.urlunsplit(parts._replace(path=f"/{template_name}"))
    prepared = "reused"
    if not (reuse and database_exists(url, template_name)):
        prepared = "built"
        create_database(template_url, drop=True)
        prepare(template_url, guides)
        if settle:
            prepared = "built, then VACUUM (ANALYZE)"
            print("  VACUUM (ANALYZE), as after any bulk load...", flush=True)
            started = time.perf_counter()
            query(template_url, "VACUUM (ANALYZE)")
            print(f"    {time.perf_counter() - started:.1f} s", flush=True)
    create_database(url, drop=True, template=template_name)
    return prepared


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_search_database_options(
        parser, DEFAULT_GUIDES, "reuse the database an earlier run built for the same --guides"
    )
    parser.add_argument(
        "--pause-ms", type=float, default=DEFAULT_PAUSE_MS, help="writer's pause between writes"
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="then rebuild a second time, over the index the first rebuild wrote",
    )
    parser.add_argument(
        "--changed",
        action="store_true",
        help="with --again, on PostgreSQL: first make every stored row differ from its guide "
        "(its facet value ids emptied, then VACUUM), so the second rebuild rewrites every row, "
        "as after every guide changed",
    )
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="rebuild PostgreSQL right after its bulk load, without VACUUM (ANALYZE)",
    )
    args = parser.parse_args(argv)
    if args.guides < 1:
        parser.error("--guides must be at least 1")
    return args


def print_report(info, results):
    print(
        f"\nSearch rebuild, {info['guides']:,} generated guides, {info['date']}, "
        f"{info['nproc']} CPUs"
    )
    print(
        "\n| database | documents | rebuild s | docs/s | CPU s (rebuild / server) | "
        "load before / after | writes during | median ms | p99 ms | max ms | over 100 ms |"
    )
    print("|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        rb, w = r["rebuild"], r["writes"]["during"]
        print(
            f"| {r['database']} | {rb['documents']:,} | {rb['seconds']:.1f} | "
            f"{r['documents_per_s']:,.0f} | {_ms(rb.get('rebuild_process_cpu_s'))} / "
            f"{_ms(rb.get('database_server_cpu_s'))} | {rb['load_before']} / {rb['load_after']} | "
            f"{w['count']} | {_ms(w['median_ms'])} | {_ms(w['p99_ms'])} | {_ms(w['max_ms'])} | "
            f"{w['over_100_ms']} |"
        )
    for r in results:
        rb, w = r["rebuild"], r["writes"]["during"]
        long = [hold for hold in rb["holds_over_50_ms"] if hold[1] > 100]
        longest = ", ".join(f"{k} {ms}" for k, ms in rb.get("hold_max_ms_by_kind", {}).items())
        # On SQLite each transaction holds the database's only write lock.
        print(
            f"  {r['database']}: {rb['transactions']} transactions "
            f"({', '.join(f'{k} {n}' for k, n in rb.get('transactions_by_kind', {}).items())}; "
            f"longest, ms: {longest}), "
            f"{_ms(rb['hold_median_ms'])} "
            f"ms median, {_ms(rb['hold_max_ms'])} max, {len(rb['holds_over_50_ms'])} over 50 ms, "
            f"{len(long)} over 100 ms; the log after its checkpoints, pages: "
            f"{rb.get('log_pages')}, the -wal file {_ms(rb.get('wal_file_mb'))} MB; "
            f"its commits: {rb.get('commits_over_25_ms', '-')} "
            f"over 25 ms, longest {_ms(rb.get('commit_max_ms'))} ms; "
            f"learners' writes with a commit over 20 ms: {w['commit_over_20_ms']} (of the "
            f"{w.get('commits_checkpointing', '-')} that checkpointed: "
            f"{w.get('checkpointing_over_20_ms', '-')}; of the others: "
            f"{w.get('not_checkpointing_over_20_ms', '-')}), a wait "
            f"over 50 ms: {w['wait_over_50_ms']}"
        )
        if 0 < len(rb["holds_over_50_ms"]) <= 12:
            print(
                "    holds over 50 ms (s from the start, ms, kind, ms of it the commit, "
                "then during it: ms of this process's CPU, KiB read from the disk, "
                "times preempted, times blocked, ms waiting for a processor, page faults "
                "read from the disk, ms of the machine's steal time): "
                f"{rb['holds_over_50_ms']}"
            )
        if w["over_100_ms_at_s"]:
            print(
                f"    writes over 100 ms began at {w['over_100_ms_at_s']} s of "
                f"{rb['seconds']:.1f} s; (ms in all, waiting to begin, committing, "
                "WAL pages before the commit, then the writer's CPU ms, KiB read, times "
                "preempted, times blocked, ms waiting for a processor, page faults read "
                "from the disk, ms of the machine's steal time): "
                f"{w['over_100_ms_parts']}"
            )


def _ms(value):
    return "-" if value is None else f"{value:.1f}"


def main(argv=None):
    args = parse_args(argv)
    info = {**machine_info(), "guides": args.guides, "pause_ms": args.pause_ms}
    results = []
    try:
        if not args.no_sqlite:
            url, prepared = sqlite_database(args.guides, args.reuse)
            results.extend(bench_database("sqlite", url, prepared, args))
        if args.no_postgres:
            pass
        elif args.postgres_url:
            recreate_database(args.postgres_url, "bench", "BENCH_DATABASE_URL", loopback=False)
            prepared = postgres_database(
                args.postgres_url, args.guides, args.reuse, not args.no_vacuum
            )
            results.extend(bench_database("postgresql", args.postgres_url, prepared, args))
        elif postgres_bin_dir() is None:
            print("PostgreSQL is not installed: SQLite only.", flush=True)
        else:
            with throwaway_postgres(PG_PORT, PG_DATABASE, durable=False) as cluster:
                prepared = postgres_database(cluster.url, args.guides, False, not args.no_vacuum)
                results.extend(bench_database("postgresql", cluster.url, prepared, args))
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    write_json(RESULTS_PATH, {"environment": info, "results": results})
    print_report(info, results)
    print(f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if not child_main(
        {
            "learners": phase_learners,
            "writer": phase_writer,
            "rebuild": phase_rebuild,
        }
    ):
        raise SystemExit(main())
