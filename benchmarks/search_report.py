"""Figures and the Markdown report of the search benchmark (search_bench.py)."""

import statistics

from benchmarks.harness.stats import median, percentile
from benchmarks.search_latency import QUERIES

TARGET_MEDIAN_MS = 15.0
TARGET_P95_MS = 40.0
TARGET_SPEEDUP = 8.0
# Issue: performance. PostgreSQL at 10,000 guides: p95 at most 25 ms. Both
# embedded engines at 100,000 guides: median at most 15 ms, p95 at most 50 ms.
TARGET_PG_P95_MS = 25.0
LARGE_CORPUS = 100_000
TARGET_LARGE_MEDIAN_MS = 15.0
TARGET_LARGE_P95_MS = 50.0
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
        backend = run.get("backend_cpu_mean_ms") or [None] * len(QUERIES)
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
                    "cpu_mean_ms": statistics.mean(cpu for _, cpu in samples),
                    "backend_cpu_mean_ms": server_ms,
                    "answer": answer,
                    "wall_ms": [round(ms, 3) for ms, _ in samples],
                }
                for bench_query, samples, answer, server_ms in zip(
                    QUERIES, run["timings"], run["answers"], backend, strict=True
                )
            ],
        }
        if run.get("backend_cpu_mean_ms"):
            engines[name]["backend_cpu_mean_ms"] = statistics.mean(backend)
            engines[name]["process_cpu_mean_ms"] = statistics.mean(cpu for _, cpu in everything)
    return engines


def targets(result):
    """(median, p95) targets in ms for this database and corpus size."""
    if result.get("documents", 0) >= LARGE_CORPUS:
        return TARGET_LARGE_MEDIAN_MS, TARGET_LARGE_P95_MS
    if result["database"] == "postgresql":
        return TARGET_MEDIAN_MS, TARGET_PG_P95_MS
    return TARGET_MEDIAN_MS, TARGET_P95_MS


def verdicts(result):
    ours, theirs = result["latency"]["ours"], result["latency"].get("wagtail")
    median_target, p95_target = targets(result)
    found = {
        "median_target_ms": median_target,
        "p95_target_ms": p95_target,
        "median": ours["median_ms"] <= median_target,
        "p95": ours["p95_ms"] <= p95_target,
        "speedup_vs_reference_x": WAGTAIL_REFERENCE_MS / ours["median_ms"],
    }
    if theirs is not None:
        speedup = theirs["median_ms"] / ours["median_ms"]
        found.update(speedup=speedup >= TARGET_SPEEDUP, speedup_x=speedup)
    return found


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


def completion_line(database, completion):
    """Completion's median and p95 over every prefix and round, the slowest
    prefix, and any prefix that completed to nothing."""
    every = sorted(ms for timings in completion["timings_ms"].values() for ms in timings)
    if not every:
        return f"Completion, {database}: not timed."
    slowest = max(completion["timings_ms"], key=lambda p: median(completion["timings_ms"][p]))
    empty = [prefix for prefix, count in completion["found"].items() if not count]
    return (
        f"Completion, {database} ({len(completion['found'])} prefixes): median "
        f"{median(every):.1f} ms, p95 {percentile(every, 0.95):.1f} ms; slowest "
        f"`{slowest}` {median(completion['timings_ms'][slowest]):.1f} ms; "
        + (f"no suggestion for {empty}" if empty else "every prefix had suggestions")
        + "."
    )


def print_report(info, results):
    print()
    print(
        f"Environment: nproc={info['nproc']}, Python {info['python']}, Django {info['django']}, "
        f"Wagtail {info['wagtail']}, {corpus(info)}, "
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
        settings = result.get("server_settings")
        if settings:
            database += " (" + ", ".join(f"{k} {v}" for k, v in settings.items()) + ")"
        ours, theirs = latency["ours"], latency.get("wagtail")
        speedup = f"{verdict['speedup_x']:.1f}x" if theirs else "-"
        print(
            f"| {database} | embedded engine | {ours['median_ms']:.1f} | {ours['p95_ms']:.1f} | "
            f"{ours['max_ms']:.1f} | {ours['samples']} | {seconds(result['rebuild_s'])} | "
            f"{speedup} |"
        )
        if theirs:
            print(
                f"| {database} | Wagtail database backend | {theirs['median_ms']:.1f} | "
                f"{theirs['p95_ms']:.1f} | {theirs['max_ms']:.1f} | {theirs['samples']} | "
                f"{seconds(result['wagtail_update_index_s'])} | |"
            )
    print()
    for result in results:
        copy = result.get("facet_copy")
        if copy:
            print(
                f"Facet entries in memory, {result['database']}: first search of the process "
                f"{copy['first_search_ms']:.1f} ms; after one guide indexed again "
                f"{copy['after_one_change_ms']:.1f} ms, then {copy['then_ms']:.1f} ms "
                f"(`{QUERIES[0].text}`)."
            )
    for result in results:
        completion = result.get("completion")
        if completion:
            print(completion_line(result["database"], completion))
    print()
    print(
        "Full rebuild: `manage.py search_index rebuild` (embedded engine) and "
        "`manage.py update_index` (Wagtail), wall time of the whole command."
    )
    for result in results:
        print(
            f"CPU during the queries, {result['database']} ({result['documents']} documents; "
            f"load average {result['load_average_1min_before_queries']} before them, "
            f"{result['load_average_1min_after_queries']} after):"
        )
        print(cpu_line("embedded engine", result["latency"]["ours"]))
        ours = result["latency"]["ours"]
        if ours.get("backend_cpu_mean_ms") is not None:
            print(
                f"  embedded engine, CPU per search (mean): this process "
                f"{ours['process_cpu_mean_ms']:.1f} ms, its PostgreSQL backend "
                f"{ours['backend_cpu_mean_ms']:.1f} ms"
            )
        if "wagtail" in result["latency"]:
            print(cpu_line("Wagtail", result["latency"]["wagtail"]))
    for result in results:
        print_queries(result)
    print()
    for result in results:
        print_verdict(result)


def corpus(info):
    if info.get("reused_database"):
        return "the database(s) of an earlier run"
    return f"{info['guides']} generated guides"


def optional_ms(value):
    return "-" if value is None else f"{value:.1f}"


def seconds(value):
    return "-" if value is None else f"{value:.1f}"


def print_queries(result):
    print()
    print(
        f"Per query, {result['database']} (ms; CPU is this process's, which on "
        "PostgreSQL leaves out the server's; totals are what each engine found):"
    )
    print()
    ours, theirs = result["latency"]["ours"], result["latency"].get("wagtail")
    if theirs is None:
        print("| query | kind | median | p95 | CPU | server CPU | total | suggestion |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for bench_query, mine in zip(QUERIES, ours["queries"], strict=True):
            print(
                f"| {bench_query.label} | {bench_query.kind} | {mine['median_ms']:.1f} | "
                f"{mine['p95_ms']:.1f} | {mine['cpu_mean_ms']:.1f} | "
                f"{optional_ms(mine.get('backend_cpu_mean_ms'))} | "
                f"{mine['answer']['total']} | {mine['answer']['suggestion']} |"
            )
        return
    print(
        "| query | kind | ours median | ours p95 | ours CPU | Wagtail median | "
        "Wagtail p95 | ratio | ours total | Wagtail total | suggestion |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for bench_query, mine, other in zip(QUERIES, ours["queries"], theirs["queries"], strict=True):
        ratio = other["median_ms"] / mine["median_ms"]
        print(
            f"| {bench_query.label} | {bench_query.kind} | {mine['median_ms']:.1f} | "
            f"{mine['p95_ms']:.1f} | {mine['cpu_median_ms']:.1f} | "
            f"{other['median_ms']:.1f} | {other['p95_ms']:.1f} | {ratio:.1f}x | "
            f"{mine['answer']['total']} | {other['answer']['total']} | "
            f"{mine['answer']['suggestion']} |"
        )


def print_verdict(result):
    verdict = verdicts(result)
    ours = result["latency"]["ours"]
    median_target, p95_target = verdict["median_target_ms"], verdict["p95_target_ms"]
    line = (
        f"{result['database']} ({result['documents']} documents): "
        f"median {ours['median_ms']:.1f} ms <= {median_target:g}: {mark(verdict['median'])}; "
        f"p95 {ours['p95_ms']:.1f} ms <= {p95_target:g}: {mark(verdict['p95'])}"
    )
    if "speedup" in verdict:
        line += (
            f"; {verdict['speedup_x']:.1f}x faster than Wagtail >= {TARGET_SPEEDUP:g}x: "
            f"{mark(verdict['speedup'])}"
        )
    line += f" (against the issue's {WAGTAIL_REFERENCE_MS:g} ms: "
    line += f"{verdict['speedup_vs_reference_x']:.1f}x)"
    print(line)
    slow = [
        f"{QUERIES[i].label} (median {q['median_ms']:.1f}, p95 {q['p95_ms']:.1f})"
        for i, q in enumerate(ours["queries"])
        if q["median_ms"] > median_target or q["p95_ms"] > p95_target
    ]
    if slow:
        print(f"  queries over {median_target:g} ms median or {p95_target:g} ms p95:")
        for entry in slow:
            print(f"    {entry}")
