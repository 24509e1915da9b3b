"""The rebuild benchmark's summary of learners' writes and its printed
report (benchmarks/search_rebuild_bench.py)."""

from __future__ import annotations

from benchmarks.harness.stats import median, percentile

TARGET_WRITE_MS = 100


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
        if "alone" in r:
            alone, w = r["alone"], r["writes"]["during"]
            print(
                f"| {r['database']} | - | {alone['seconds']:.1f} (no rebuild) | - | - | "
                f"{_load_and_writes(alone, w)}"
            )
            continue
        rb, w = r["rebuild"], r["writes"]["during"]
        print(
            f"| {r['database']} | {rb['documents']:,} | {rb['seconds']:.1f} | "
            f"{r['documents_per_s']:,.0f} | {_ms(rb.get('rebuild_process_cpu_s'))} / "
            f"{_ms(rb.get('database_server_cpu_s'))} | {_load_and_writes(rb, w)}"
        )
    for r in results:
        if "alone" in r:
            _print_slow_writes(r["writes"]["during"], r["alone"]["seconds"])
            continue
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
        _print_slow_writes(w, rb["seconds"])


def _load_and_writes(window, w):
    """A table row's last cells: the load average before and after, then
    the learners' writes in that window."""
    return (
        f"{window['load_before']} / {window['load_after']} | {w['count']} | "
        f"{_ms(w['median_ms'])} | {_ms(w['p99_ms'])} | {_ms(w['max_ms'])} | "
        f"{w['over_100_ms']} |"
    )


def _print_slow_writes(w, seconds):
    if w["over_100_ms_at_s"]:
        print(
            f"    writes over 100 ms began at {w['over_100_ms_at_s']} s of "
            f"{seconds:.1f} s; (ms in all, waiting to begin, committing, "
            "WAL pages before the commit, then the writer's CPU ms, KiB read, times "
            "preempted, times blocked, ms waiting for a processor, page faults read "
            "from the disk, ms of the machine's steal time): "
            f"{w['over_100_ms_parts']}"
        )


def _ms(value):
    return "-" if value is None else f"{value:.1f}"
