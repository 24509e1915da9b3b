"""The child processes of benchmarks/search_rebuild_bench.py: each runs with
Django set up in its own process (benchmarks/harness/processes.py,
``child_main``) and answers in JSON. The learners the writer uses; the
writer (a learner enrolling and marking a step complete, timed, until told
to stop); the full rebuild of the embedded engine, timed, with what its
transactions held (benchmarks/harness/rebuild_probes.py)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from benchmarks.harness.processes import django_setup, own_cpu, pid_cpu_seconds
from benchmarks.harness.rebuild_probes import (
    backend_pid,
    log_pages,
    own_counters,
    time_holds,
    wal_file_mb,
    wal_header_reader,
)
from benchmarks.harness.stalls import StallSampler
from benchmarks.harness.stats import load_average, median


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
    header = wal_header_reader() or (lambda: None)
    stalls = StallSampler()
    writes = []
    i = 0
    Path(f"{stop_path}.ready").touch()
    while not stop.exists() and i < len(users) * len(steps):
        user_id = users[i % len(users)]
        path_id, guide_id, title = steps[(i // len(users)) % len(steps)]
        started = time.time()
        before = own_counters()
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
        # rebuild's long holds: own_counters).
        spent = (
            [round(a - b) for a, b in zip(own_counters(), before, strict=True)]
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
    server_pid = backend_pid()
    server_cpu = pid_cpu_seconds(server_pid)
    cpu, all_cpu = own_cpu(), own_cpu(children=True)
    engine = get_embedded_engine()
    backends = {}
    holds = time_holds(backends)
    log_sizes = log_pages(engine, holds)
    started = time.time()
    begun = time.perf_counter()
    counts = rebuild([engine])
    seconds = time.perf_counter() - begun
    wal_mb = wal_file_mb(index=True)
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
            "median": median([p for p, *_ in log_sizes]) if log_sizes else None,
            "max": max([p for p, *_ in log_sizes], default=None),
            "at_1000_or_more": sum(p >= 1000 for p, *_ in log_sizes),
            "incomplete": sum(c < p for p, c, *_ in log_sizes),
            # The largest after each kind of transaction.
            "max_by_kind": {
                kind: max(p for p, _, _, k in log_sizes if k == kind)
                for kind in dict.fromkeys(k for *_, k in log_sizes)
            },
            # When the WAL first reached 10,000 pages (s from the start).
            "first_at_10000_s": next(
                (round(at - started, 1) for p, _, at, _ in log_sizes if p >= 10_000), None
            ),
        },
        # SQLite: the -wal file's size once the rebuild has ended, MB. SQLite
        # reuses the file from its start but does not shrink it while a
        # connection is open (journal_size_limit is -1).
        "wal_file_mb": wal_mb,
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
        # steal time (ms) (own_counters).
        # Then where this process was from 50 ms on (harness/stalls.py).
        "holds_over_50_ms": [
            (round(at - started, 2), round(ms, 1), kind, round(commit, 1), *map(round, used), where)
            for at, ms, kind, commit, used, where in holds
            if ms > 50
        ],
    }
