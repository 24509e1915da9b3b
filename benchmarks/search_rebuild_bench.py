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
   With ``--separate-index`` (SQLite), the index is in a file of its own
   (SEARCH_DATABASE_URL), empty at the start: the rebuild writes there and
   the learner's writes go to the site's file;
   With ``--learner-alone SECONDS``, first the writer writes that long with
   no rebuild running, reported as the rebuilds' writes are: what the
   machine alone does to a learner's write (on this shared host, a commit
   can wait in the kernel with nothing else running);
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
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

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
    manage,
    production_env,
    run_child,
)
from benchmarks.harness.stats import load_average, machine_info
from benchmarks.search_rebuild_phases import phase_learners, phase_rebuild, phase_writer
from benchmarks.search_rebuild_report import print_report, summarise_writes

HERE = Path(__file__).resolve().parent
RESULTS_PATH = BENCH_DIR / "search_rebuild.json"
DEFAULT_GUIDES = 100_000
DEFAULT_PAUSE_MS = 20
WRITER_USERS = 30_000
WARM_UP_S = 3.0
PG_PORT = 54332
PG_DATABASE = "curbside_rebuild_bench"
TARGET_DOCS_PER_S = 1000


# With --separate-index: the SEARCH_DATABASE_URL of the index's own SQLite file.
SEPARATE_INDEX = {"url": None}


def bench_env(db_url):
    env = production_env(db_url)
    env.pop("ELASTICSEARCH_URL", None)
    env.pop("SEARCH_DATABASE_URL", None)
    if SEPARATE_INDEX["url"] and db_url.startswith("sqlite"):
        env["SEARCH_DATABASE_URL"] = SEPARATE_INDEX["url"]
    return env


# The parent -----------------------------------------------------------------------


def prepare(db_url, guides):
    env = bench_env(db_url)
    migrate_and_seed(db_url, without=("ELASTICSEARCH_URL",))
    print(f"  adding {guides:,} generated guides...", flush=True)
    generated = run_child(HERE / "search_corpus.py", "generate", env, guides)
    print(f"    inserted in {generated['insert_s']:.1f} s", flush=True)
    run_child(__file__, "learners", env, WRITER_USERS)


def rebuild_with_writer(db_url, pause_ms, alone_s=None):
    """Start the writer, let it write WARM_UP_S, rebuild, stop it. With
    ``alone_s``, no rebuild: the writer writes that many seconds more with
    nothing else running, what the machine alone does to its writes."""
    env = bench_env(db_url)
    manage(["migrate", "--noinput"], env)  # a reused database gets this version's migrations
    if "SEARCH_DATABASE_URL" in env:
        manage(["migrate", "--noinput", "--database", "search"], env)
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
        if alone_s is None:
            print("  rebuilding...", end=" ", flush=True)
            rebuilt = run_child(__file__, "rebuild", env)
            print(
                f"{rebuilt['documents']:,} documents in {rebuilt['seconds']:.1f} s "
                f"({rebuilt['documents'] / rebuilt['seconds']:,.0f}/s)",
                flush=True,
            )
        else:
            print(f"  the learner writing alone for {alone_s:.0f} s...", flush=True)
            rebuilt = {"load_before": load_average(), "started": time.time()}
            time.sleep(alone_s)
            rebuilt["ended"] = time.time()
            rebuilt["seconds"] = rebuilt["ended"] - rebuilt["started"]
            rebuilt["load_after"] = load_average()
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


def bench_database(kind, db_url, prepared, args):
    """The rebuild into the fresh index (only the demo's documents in it),
    and with --again a second one over the index the first wrote, as
    ``search_index rebuild`` runs on a site already indexed."""
    results = []
    if args.learner_alone:
        label = f"{kind}, the learner alone"
        print(f"\n== {label}", flush=True)
        alone, written = rebuild_with_writer(db_url, args.pause_ms, args.learner_alone)
        writes = summarise_writes(written["writes"], alone["started"], alone["ended"])
        results.append({"database": label, "alone": alone, "writes": writes})
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
        "--learner-alone",
        type=float,
        metavar="SECONDS",
        help="first let the learner write for SECONDS with no rebuild running, and report "
        "those writes the same way: what the machine alone does to them",
    )
    parser.add_argument(
        "--separate-index",
        action="store_true",
        help="SQLite: the search index in a file of its own (SEARCH_DATABASE_URL, "
        "search/database.py), empty at the start, so the rebuild never holds the lock "
        "learners' writes take",
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


def main(argv=None):
    args = parse_args(argv)
    info = {**machine_info(), "guides": args.guides, "pause_ms": args.pause_ms}
    results = []
    try:
        if not args.no_sqlite:
            url, prepared = sqlite_database(args.guides, args.reuse)
            kind = "sqlite"
            if args.separate_index:
                # An empty file each run: the first rebuild fills it.
                SEPARATE_INDEX["url"] = fresh_sqlite_url(BENCH_DIR / "search_rebuild_index.sqlite3")
                kind = "sqlite, index in its own file"
            results.extend(bench_database(kind, url, prepared, args))
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
