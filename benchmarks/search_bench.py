"""Site search latency: the embedded engine against Wagtail's database backend.

    .venv/bin/python benchmarks/search_bench.py            # 10,000 guides, SQLite + PostgreSQL
    .venv/bin/python benchmarks/search_bench.py --guides 500 --no-postgres   # a quick run
    .venv/bin/python benchmarks/search_bench.py --guides 100000 --repeat 10  # 100,000 (long)
    .venv/bin/python benchmarks/search_bench.py --reuse --no-sqlite \
        --postgres-url postgres://postgres@127.0.0.1:5432/curbside_bench  # queries only

``--guides 100000`` is not part of ``make bench``: building the corpus (about
4 minutes per database: migrate, seed_demo, 100,000 guides) and rebuilding
each index (4 to 7 minutes) takes about half an hour on 2 shared cores. It leaves
Wagtail's backend out (``--wagtail`` puts it back), keeps the SQLite file as
var/bench/search-100000.sqlite3 and writes var/bench/search-100000.json.
``--reuse`` measures the queries again on the databases an earlier run built
(the SQLite file; PostgreSQL only through --postgres-url, since a throw-away
cluster is gone), for comparing changes to the query code; ``--no-sqlite``
and ``--no-postgres`` choose the database.

For each database kind (SQLite always; PostgreSQL when BENCH_DATABASE_URL or
--postgres-url names one, or else a throw-away cluster this script starts when
/usr/lib/postgresql/*/bin/initdb exists) it:

1. builds a fresh database: ``manage.py migrate`` (production settings), then
   ``manage.py seed_demo`` (development settings: it only runs with DEBUG on)
   for the site tree, the demo mentors, guides and learning paths;
2. adds ``--guides`` generated guides (default 10,000) under /guides/, written
   directly as rows (wagtailcore_page, cms_guidepage, authors and specialty
   tags: live, published, no revisions; COPY on PostgreSQL, executemany on
   SQLite, about 1,000 guides a second) because add_child plus a revision per
   guide takes about 70 ms each. The text is composed deterministically
   (random.Random(2026), search_corpus.py) from a clinical and career vocabulary
   in 35 themes (chest pain, sepsis, contracts, billing, burnout, visas, rural
   practice...; benchmarks/data/), 400-700 words of body per guide, so queries
   match realistic shares of them;
3. times a full rebuild of the embedded engine's index
   (``manage.py search_index rebuild``) and, for reference, of Wagtail's
   (``manage.py update_index``), each as the whole command's wall time;
4. VACUUM ANALYZE on PostgreSQL (what autovacuum would soon do after the load);
5. in one Python process (production settings) runs QUERIES, a fixed mixed set
   of 21: one and two words, natural phrases, synonyms and abbreviations,
   misspellings, quoted phrases, filters, a query matching nothing and a browse
   (no text, one filter). Through the embedded engine: each query once to warm
   up, then --repeat rounds (BENCH_SEARCH_REPEAT, default 30) of the whole set.
   Then through Wagtail's backend: one query to warm up, then rounds of the set
   until --wagtail-seconds (BENCH_WAGTAIL_SECONDS, default 150) are spent: at
   least one round, at most --repeat. At 10,000 guides one round of Wagtail's
   takes minutes on SQLite, so 30 would not fit in the ~15 minutes the whole
   script is meant to take on 2 cores;
6. in the same process, completion: ``get_embedded_engine().suggest(prefix)``
   for 19 prefixes (search_latency.PREFIXES: two letters to three words, and
   part-words typed past a word's stem), once to warm up, then --repeat
   rounds; the median and p95 over all of them, the slowest prefix, and any
   prefix that had no suggestion.

What one timed query does:

* embedded engine: ``get_embedded_engine().search(SearchQuery(text, filters,
  page=1, per_page=10))``: the first 10 hits with highlighted title and snippet,
  the total, counts for every facet (type, topic, specialty, audience, mentor,
  credit) and the spelling suggestion;
* Wagtail's database backend, as Wagtail's admin page search calls it:
  ``parse_query_string(text, operator="and", zero_terms=MATCH_ALL)`` (quoted
  phrases become phrase queries; "and" is also the backend's own default
  operator), then ``GuidePage.objects.live()``, filtered by topic or audience
  level when the query has that filter, ``.search(query)``; it evaluates the
  first 10 results (``list(results[:10])``), ``results.count()`` and
  ``results.facet("topic")`` and ``results.facet("audience_level")``, the two
  facets it supports (FilterFields; specialties and mentors are relations it
  cannot facet on). It has no highlighting and no spelling suggestion, and it
  only searches guides (the embedded engine searches learning paths as well).

Times are wall-clock (time.perf_counter) around that call. On PostgreSQL on
this machine, the CPU the connection's backend used is read from /proc around
each query too (mean per query): the machine is shared, and wall times rise
with its load while the CPU a search costs hardly does. Medians and p95
(nearest rank) are over every timing of the mixed set, per engine and
database, and per query. Each query's CPU time in this process is recorded too
(on SQLite that is all the work; on PostgreSQL the server's is separate), and
for each engine's rounds the CPU used by this process, by the PostgreSQL server
(throw-away cluster only) and by every other program on the machine (from
/proc/stat): when the last is large, something else was competing for the CPU.

Targets (issue: search), on SQLite: median <= 15 ms, p95 <= 40 ms, and at
least 8 times faster than Wagtail's backend. The ratio is given against
Wagtail's median measured in the same run and against the issue's reference
figure (116 ms median for a two-word query over 2,000 pages). It prints
Markdown tables and writes every timing to var/bench/search.json.

Exit status: 0 when the run completed (whether or not the targets were met:
the table says), 2 when setup failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, env_number, write_json
from benchmarks.harness.databases import fresh_sqlite_url, sqlite_url
from benchmarks.harness.options import add_search_database_options
from benchmarks.harness.postgres import (
    check_database_url,
    postgres_bin_dir,
    recreate_database,
    throwaway_postgres,
)
from benchmarks.harness.stats import load_average, machine_info
from benchmarks.search_database_run import RunOptions, bench_database
from benchmarks.search_latency import QUERIES
from benchmarks.search_report import print_report, verdicts

DEFAULT_GUIDES = 10_000
DEFAULT_REPEAT = 30
DEFAULT_WAGTAIL_SECONDS = 150.0
PG_PORT = 54331
PG_DATABASE = "curbside_bench"


def sqlite_path(guides):
    """The SQLite database of a run with this many guides (kept for --reuse)."""
    suffix = "" if guides == DEFAULT_GUIDES else f"-{guides}"
    return BENCH_DIR / f"search{suffix}.sqlite3"


def results_path(guides):
    suffix = "" if guides == DEFAULT_GUIDES else f"-{guides}"
    return BENCH_DIR / f"search{suffix}.json"


# The run ------------------------------------------------------------------------


def search_code_fingerprint():
    """A short hash of search/*.py and search/**/*.py (migrations included), so
    figures can be tied to the version of the engine they measured."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "search").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def environment_info(options):
    import django

    import wagtail

    return {
        **machine_info(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "guides": options.guides,
        "repeat": options.repeat,
        "wagtail_budget_s": options.wagtail_budget_s if options.wagtail else None,
        "reused_database": options.reuse,
        "queries": len(QUERIES),
        "search_code_sha256": search_code_fingerprint(),
        "load_average_1min_at_start": load_average(),
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_search_database_options(
        parser,
        DEFAULT_GUIDES,
        "query the databases an earlier run built, as they are (SQLite: "
        "var/bench/search.sqlite3, or search-N.sqlite3 for --guides N; PostgreSQL: "
        "--postgres-url, not re-created); for measuring a change to the query code",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(env_number("BENCH_SEARCH_REPEAT", DEFAULT_REPEAT)),
        help="timed rounds of the query set (default BENCH_SEARCH_REPEAT or 30)",
    )
    parser.add_argument(
        "--wagtail-seconds",
        type=float,
        default=env_number("BENCH_WAGTAIL_SECONDS", DEFAULT_WAGTAIL_SECONDS, float),
        help="time budget for Wagtail's rounds per database (default BENCH_WAGTAIL_SECONDS "
        f"or {DEFAULT_WAGTAIL_SECONDS:g}); at least one round runs",
    )
    parser.add_argument(
        "--no-wagtail",
        action="store_true",
        help="leave Wagtail's database backend out (no update_index, no Wagtail rounds); "
        "the default with more than 10,000 guides",
    )
    parser.add_argument(
        "--wagtail",
        action="store_true",
        help="compare with Wagtail's backend even with more than 10,000 guides",
    )
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the throw-away PostgreSQL cluster (repeatable), e.g. "
        "--pg-setting shared_buffers=1GB --pg-setting huge_pages=on",
    )
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="PostgreSQL: read the search tables and indexes into shared buffers "
        "(pg_prewarm) before timing the queries",
    )
    args = parser.parse_args(argv)
    if args.pg_setting and (args.postgres_url or args.no_postgres):
        parser.error("--pg-setting is for the throw-away cluster (not with --postgres-url)")
    if args.guides < 1 or args.repeat < 1:
        parser.error("--guides and --repeat must be at least 1")
    if args.no_sqlite and args.no_postgres:
        parser.error("--no-sqlite and --no-postgres leave nothing to measure")
    if args.reuse and not args.no_postgres and not args.postgres_url:
        parser.error("--reuse on PostgreSQL needs --postgres-url (or BENCH_DATABASE_URL)")
    if args.reuse and not args.no_sqlite and not sqlite_path(args.guides).exists():
        parser.error(f"--reuse: there is no {sqlite_path(args.guides).relative_to(ROOT)}")
    return args


def compare_with_wagtail(args):
    """Wagtail's backend needs minutes per round of queries at 10,000 guides,
    and its update_index many more minutes at 100,000: it is left out above
    10,000 guides, and on a reused database, unless --wagtail asks for it."""
    if args.no_wagtail:
        return False
    if args.reuse:  # Wagtail's index may not have been built
        return args.wagtail
    return args.wagtail or args.guides <= DEFAULT_GUIDES


def main(argv=None):
    try:
        args = parse_args(argv)
    except BenchError as exc:
        raise SystemExit(str(exc)) from None
    options = RunOptions(
        args.guides,
        args.repeat,
        args.wagtail_seconds,
        compare_with_wagtail(args),
        args.reuse,
        args.prewarm,
    )
    info = environment_info(options)
    started = time.perf_counter()
    results = []
    try:
        if not args.no_sqlite:
            path = sqlite_path(args.guides)
            url = sqlite_url(path) if args.reuse else fresh_sqlite_url(path)
            results.append(bench_database("sqlite", url, options))
        if args.no_postgres:
            pass
        elif args.postgres_url:
            if args.reuse:
                check_database_url(args.postgres_url, "bench", "BENCH_DATABASE_URL", False)
            else:
                recreate_database(args.postgres_url, "bench", "BENCH_DATABASE_URL", loopback=False)
            results.append(bench_database("postgresql", args.postgres_url, options))
        elif postgres_bin_dir() is None:
            print("PostgreSQL is not installed: SQLite only.", flush=True)
        else:
            with throwaway_postgres(PG_PORT, PG_DATABASE, settings=args.pg_setting) as cluster:
                results.append(
                    bench_database("postgresql", cluster.url, options, cluster.server_pid())
                )
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    info["total_s"] = time.perf_counter() - started
    info["search_code_changed_during_run"] = search_code_fingerprint() != info["search_code_sha256"]
    for result in results:
        result["verdicts"] = verdicts(result)
    results_file = results_path(args.guides)
    write_json(results_file, {"environment": info, "results": results})
    print_report(info, results)
    if info["search_code_changed_during_run"]:
        print("\nWARNING: files in search/ changed during the run; the figures mix versions.")
    print(f"\nWhole run: {info['total_s'] / 60:.1f} min.")
    print(f"Raw results: {results_file.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
