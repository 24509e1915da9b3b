"""Figures and the Markdown report of the search benchmark (search_bench.py)."""

import statistics

from benchmarks.harness.stats import percentile
from benchmarks.search_latency import QUERIES

TARGET_MEDIAN_MS = 15.0
TARGET_P95_MS = 40.0
TARGET_SPEEDUP = 8.0
# The figure for Wagtail's backend: a two-word query over 2,000 pages.
WAGTAIL_REFERENCE_MS = 116.0


def stats(samples):
    """Figures for (wall ms, CPU ms) pairs; percentiles are of wall time."""
    wall = [ms for ms, _ in samples]
    return {
        "median_ms": statistics.median(wall),
        "p95_ms": percentile(wall, 0.95),
        "max_ms": max(wall),
        "cpu_median_ms": statistics.median(cpu for _, cpu in samples),
        "samples": len(wall),
    }


def summarise(latency):
    engines = {}
    for name, run in latency["engines"].items():
        everything = [sample for samples in run["timings"] for sample in samples]
        engines[name] = {
            **stats(everything),
            "rounds": run["rounds"],
            "cpu": run["cpu"],
            "queries": [
                {
                    "kind": bench_query.kind,
                    "text": bench_query.text,
                    "filters": {key: list(values) for key, values in bench_query.filters.items()},
                    **stats(samples),
                    "answer": answer,
                    "wall_ms": [round(ms, 3) for ms, _ in samples],
                }
                for bench_query, samples, answer in zip(
                    QUERIES, run["timings"], run["answers"], strict=True
                )
            ],
        }
    return engines


def verdicts(result):
    ours, theirs = result["latency"]["ours"], result["latency"]["wagtail"]
    speedup = theirs["median_ms"] / ours["median_ms"]
    return {
        "median": ours["median_ms"] <= TARGET_MEDIAN_MS,
        "p95": ours["p95_ms"] <= TARGET_P95_MS,
        "speedup": speedup >= TARGET_SPEEDUP,
        "speedup_x": speedup,
        "speedup_vs_reference_x": WAGTAIL_REFERENCE_MS / ours["median_ms"],
    }


def mark(ok):
    return "PASS" if ok else "MISS"


def cpu_line(name, engine):
    cpu = engine["cpu"]
    parts = [f"{cpu['wall_s']:.1f} s wall", f"this process {cpu['process_cpu_s']:.1f} s CPU"]
    if cpu["server_cpu_s"] is not None:
        parts.append(f"PostgreSQL server {cpu['server_cpu_s']:.1f} s")
    if cpu["other_cpu_s"] is not None:
        parts.append(f"other programs {cpu['other_cpu_s']:.1f} s")
    return f"  {name} ({engine['rounds']} rounds, {engine['samples']} runs): " + ", ".join(parts)


def print_report(info, results):
    print()
    print(
        f"Environment: nproc={info['nproc']}, Python {info['python']}, Django {info['django']}, "
        f"Wagtail {info['wagtail']}, {info['guides']} generated guides, "
        f"load average {info['load_average_1min_at_start']} at start, {info['date']}, "
        f"search/ code {info['search_code_sha256']}"
    )
    print()
    print(
        "| database | engine | median ms | p95 ms | max ms | runs | full rebuild s | "
        "Wagtail median / ours |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        latency, verdict = result["latency"], verdicts(result)
        database = f"{result['database']} {result['database_version']}"
        ours, theirs = latency["ours"], latency["wagtail"]
        print(
            f"| {database} | embedded engine | {ours['median_ms']:.1f} | {ours['p95_ms']:.1f} | "
            f"{ours['max_ms']:.1f} | {ours['samples']} | {result['rebuild_s']:.1f} | "
            f"{verdict['speedup_x']:.1f}x |"
        )
        print(
            f"| {database} | Wagtail database backend | {theirs['median_ms']:.1f} | "
            f"{theirs['p95_ms']:.1f} | {theirs['max_ms']:.1f} | {theirs['samples']} | "
            f"{result['wagtail_update_index_s']:.1f} | |"
        )
    print()
    print(
        "Full rebuild: `manage.py search_index rebuild` (embedded engine) and "
        "`manage.py update_index` (Wagtail), wall time of the whole command."
    )
    for result in results:
        print(
            f"CPU during the queries, {result['database']} (load average "
            f"{result['load_average_1min_before_queries']} before them):"
        )
        print(cpu_line("embedded engine", result["latency"]["ours"]))
        print(cpu_line("Wagtail", result["latency"]["wagtail"]))
    for result in results:
        print()
        print(
            f"Per query, {result['database']} (ms; CPU is this process's, which on "
            "PostgreSQL leaves out the server's; totals are what each engine found):"
        )
        print()
        print(
            "| query | kind | ours median | ours p95 | ours CPU | Wagtail median | "
            "Wagtail p95 | ratio | ours total | Wagtail total | suggestion |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        ours, theirs = result["latency"]["ours"], result["latency"]["wagtail"]
        for bench_query, mine, other in zip(
            QUERIES, ours["queries"], theirs["queries"], strict=True
        ):
            ratio = other["median_ms"] / mine["median_ms"]
            print(
                f"| {bench_query.label} | {bench_query.kind} | {mine['median_ms']:.1f} | "
                f"{mine['p95_ms']:.1f} | {mine['cpu_median_ms']:.1f} | "
                f"{other['median_ms']:.1f} | {other['p95_ms']:.1f} | {ratio:.1f}x | "
                f"{mine['answer']['total']} | {other['answer']['total']} | "
                f"{mine['answer']['suggestion']} |"
            )
    print()
    for result in results:
        verdict = verdicts(result)
        ours = result["latency"]["ours"]
        scope = "targets" if result["database"] == "sqlite" else "SQLite targets, for reference"
        print(
            f"{result['database']} ({scope}): "
            f"median {ours['median_ms']:.1f} ms <= {TARGET_MEDIAN_MS:g}: "
            f"{mark(verdict['median'])}; "
            f"p95 {ours['p95_ms']:.1f} ms <= {TARGET_P95_MS:g}: {mark(verdict['p95'])}; "
            f"{verdict['speedup_x']:.1f}x faster than Wagtail >= {TARGET_SPEEDUP:g}x: "
            f"{mark(verdict['speedup'])} (against the issue's {WAGTAIL_REFERENCE_MS:g} ms: "
            f"{verdict['speedup_vs_reference_x']:.1f}x)"
        )
        slow = [
            f"{QUERIES[i].label} (median {q['median_ms']:.1f}, p95 {q['p95_ms']:.1f})"
            for i, q in enumerate(ours["queries"])
            if q["median_ms"] > TARGET_MEDIAN_MS or q["p95_ms"] > TARGET_P95_MS
        ]
        if slow:
            print(f"  queries over {TARGET_MEDIAN_MS:g} ms median or {TARGET_P95_MS:g} ms p95:")
            for line in slow:
                print(f"    {line}")
