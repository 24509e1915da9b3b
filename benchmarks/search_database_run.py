"""One database kind of the search benchmark (benchmarks/search_bench.py), end
to end: build it (migrate, seed_demo, the generated guides of
search_corpus.py), time both engines' full rebuilds, VACUUM ANALYZE on
PostgreSQL, then time the queries and completion in a child process
(search_latency.py); or, with --reuse, only the queries on the database an
earlier run built. Returns what the results file records about it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness.databases import migrate_and_seed, timed_manage
from benchmarks.harness.postgres import prewarm, query, server_settings
from benchmarks.harness.processes import production_env, run_child
from benchmarks.harness.stats import load_average
from benchmarks.search_latency import QUERIES
from benchmarks.search_report import summarise

HERE = Path(__file__).resolve().parent


def bench_env(db_url):
    """Production settings on the bench database; only the embedded engine (an
    ELASTICSEARCH_URL in the caller's environment is dropped)."""
    env = production_env(db_url)
    env.pop("ELASTICSEARCH_URL", None)
    return env


def build_database(db_url):
    """migrate + seed_demo, on the embedded engine only."""
    migrate_and_seed(db_url, without=("ELASTICSEARCH_URL",))


def vacuum_analyze(db_url):
    """What autovacuum does soon after a bulk load, done now so it does not
    run in the middle of the measurements."""
    query(db_url, "VACUUM ANALYZE")


@dataclass(frozen=True)
class RunOptions:
    guides: int
    repeat: int
    wagtail_budget_s: float
    wagtail: bool = True  # False: no Wagtail update_index and no Wagtail rounds
    reuse: bool = False  # True: query the database the last run built, as it is
    prewarm: bool = False  # True: PostgreSQL reads the search tables into its buffers first


# What a search reads on PostgreSQL, for --prewarm.
PREWARM = (
    "search_indexeddocument",
    "search_doc_vector_s0",
    "search_doc_vector_s1",
    "search_indexeddocument_pkey",
    "search_facetentry",
)


def build_corpus(kind, db_url, env, options):
    """A fresh database with the generated guides, indexed by both engines.
    Returns what the result records about it."""
    build_database(db_url)
    print(f"  adding {options.guides} generated guides...", flush=True)
    generated = run_child(HERE / "search_corpus.py", "generate", env, options.guides)
    print(
        f"    {generated['guides_in_database']} live guides "
        f"(body {generated['body_words_min']}-{generated['body_words_max']} words, "
        f"median {generated['body_words_median']:.0f}), "
        f"inserted in {generated['insert_s']:.1f} s",
        flush=True,
    )
    startup_s, _ = timed_manage(["shell", "-c", "pass"], env)
    rebuild_s, rebuild_output = timed_manage(["search_index", "rebuild"], env)
    wagtail_s = timed_manage(["update_index"], env)[0] if options.wagtail else None
    if kind == "postgresql":
        vacuum_analyze(db_url)
    return {
        "generation": generated,
        "manage_py_startup_s": startup_s,
        "rebuild_s": rebuild_s,
        "rebuild_output": rebuild_output.strip().splitlines()[-3:],
        "wagtail_update_index_s": wagtail_s,
    }


def bench_database(kind, db_url, options, server_pid=None):
    print(f"\n== {kind}", flush=True)
    started = time.perf_counter()
    env = bench_env(db_url)
    if options.reuse:
        print("  reusing the database of an earlier run (no build, no rebuild)", flush=True)
        built = {"reused": True, "rebuild_s": None, "wagtail_update_index_s": None}
    else:
        built = build_corpus(kind, db_url, env, options)
    if kind == "postgresql":
        built["server_settings"] = server_settings(db_url)
        if options.prewarm:
            blocks = prewarm(db_url, PREWARM)
            built["server_settings"]["prewarmed_mb"] = round(sum(blocks.values()) * 8 / 1024)
        print(f"  server: {built['server_settings']}", flush=True)
    budget = options.wagtail_budget_s if options.wagtail else 0
    print(
        f"  {len(QUERIES)} queries: {options.repeat} rounds through the embedded engine"
        + (f", then Wagtail's for up to {budget:g} s (at least one round)..." if budget else "...")
        + f" (load average {load_average()})",
        flush=True,
    )
    load = load_average()
    latency = run_child(
        HERE / "search_latency.py", "latency", env, options.repeat, budget, server_pid or 0
    )
    return {
        "database": kind,
        "database_version": latency["database_version"],
        **built,
        "documents": latency["documents"],
        "load_average_1min_before_queries": load,
        "load_average_1min_after_queries": load_average(),
        "latency": summarise(latency),
        "facet_copy": latency.get("facet_copy"),
        "completion": latency.get("completion"),
        "total_s": time.perf_counter() - started,
    }
