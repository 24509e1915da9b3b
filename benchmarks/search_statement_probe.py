"""Where a PostgreSQL search's time goes: the one statement a search sends
(search/engines/postgres_results.py), timed whole and in growing parts, in
one database session, for a few of search_bench.py's queries. A probe for
deciding the next change, not a target.

    .venv/bin/python benchmarks/search_statement_probe.py \\
        --postgres-url postgres://postgres@127.0.0.1:54330/curbside_bench_full [--runs 25] \\
        [--set effective_io_concurrency=0]

It reads a database search_bench.py built (``--guides 100000`` for the
issue's scale). For each query it prints the median wall time (ms) of:

* the whole search through the engine (``search_latency.ours``);
* the engine's own statement, captured from that search and sent again;
* the same statement's execution and planning time inside PostgreSQL
  (``EXPLAIN (ANALYZE, TIMING OFF)``), and how many table pages it read;
* the facet counts worked out in this process from the statement's ids of
  every match (search/engines/embedded/facet_matrix.py), with its caches
  warm;
* growing parts of it, written out here for a query of one clause: the
  matches alone (their id and release date, as the statement materialises
  them), then each match ranked (``ts_rank``), then the page of 10 picked,
  then every match's id listed (for the facet counts in Python).

The parts are this probe's own copy of the statement's shape: when
postgres_results.py changes, compare them with the captured statement.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BenchError
from benchmarks.harness.stats import load_average, median_ms

QUERY_TEXTS = ("sepsis", "burnout", "IMG visa")
RANK = "-ts_rank(t.search_vector, q.words)"
PAGE = ", page AS (SELECT * FROM m ORDER BY m.score, m.id DESC LIMIT 10)"


def _part(score: str, tail: str) -> str:
    """The statement's matches (each with ``score``), then ``tail``. Fixed
    text only: the query's words go in as the parameter %(text)s."""
    return (
        "WITH q AS MATERIALIZED (SELECT r.*, r.query || r.query AS words "
        "FROM (SELECT websearch_to_tsquery('english', %(text)s) AS query) r), "
        f"m AS MATERIALIZED (SELECT t.id, t.release_date, {score} AS score "
        f"FROM search_indexeddocument t, q WHERE t.search_vector @@ q.query){tail}"
    )


PARTS = {
    "the matches": _part("0", " SELECT count(*) FROM m"),
    "+ each ranked": _part(RANK, " SELECT count(*) FROM m"),
    "+ the page of 10": _part(RANK, PAGE + " SELECT ARRAY(SELECT id FROM page)"),
    "+ every match's id": _part(
        RANK,
        PAGE + " SELECT ARRAY(SELECT id FROM page), (SELECT string_agg(m.id::text, ',') FROM m)",
    ),
}


def captured_statement(bench_query):
    """The results statement (SQL and parameters) one search sends."""
    from django.db import connection

    from benchmarks.search_latency import ours

    sent = []

    def capture(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        ours(bench_query)
    found = [(sql, params) for sql, params in sent if "string_agg" in sql and "ts_rank" in sql]
    if not found:
        raise BenchError("No results statement captured: has postgres_results.py changed?")
    return found[0]


def explained(cursor, sql, params):
    """(execution ms, planning ms, shared buffers hit) of one EXPLAIN ANALYZE."""
    cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, BUFFERS) " + sql, params)
    lines = [row[0] for row in cursor.fetchall()]
    execution = next(float(x.split()[-2]) for x in lines if x.startswith("Execution Time"))
    planning = next(float(x.split()[-2]) for x in lines if x.startswith("Planning Time"))
    buffers = next(int(x.split("hit=")[1].split()[0]) for x in lines if "shared hit=" in x)
    return execution, planning, buffers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for this probe's session (set_config), "
        "e.g. effective_io_concurrency=0; may be given again",
    )
    options = parser.parse_args()
    settings = [item.partition("=")[::2] for item in options.set]
    if any(not name or not value for name, value in settings):
        raise BenchError("--set takes NAME=VALUE.")
    os.environ["DATABASE_URL"] = options.postgres_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curbside.settings.dev")
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()
    from django.db import connection

    from benchmarks.search_latency import QUERIES, ours
    from search.engines.embedded.facet_matrix import counts, parse_ids

    if connection.vendor != "postgresql":
        raise BenchError("--postgres-url must name a PostgreSQL database.")
    with connection.cursor() as cursor:
        for name, value in settings:
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    queries = [q for q in QUERIES if q.text in QUERY_TEXTS and not q.filters]
    for bench_query in QUERIES:  # every query once: caches as after a warm-up
        ours(bench_query)
    chosen = ", ".join(f"{name} = {value}" for name, value in settings) or "the server's settings"
    print(f"load average {load_average()}, median ms of {options.runs} runs each, {chosen}")
    with connection.cursor() as cursor:
        for bench_query in queries:
            sql, params = captured_statement(bench_query)
            whole = median_ms(lambda q=bench_query: ours(q), options.runs)
            statement = median_ms(lambda s=sql, p=params: cursor.execute(s, p), options.runs)
            plans = [explained(cursor, sql, params) for _ in range(5)]
            execution = statistics.median(p[0] for p in plans)
            planning = statistics.median(p[1] for p in plans)
            print(f"{bench_query.label}:")
            print(f"  the whole search: {whole:.1f}")
            print(f"  its statement: {statement:.1f}")
            print(
                f"  inside PostgreSQL: execution {execution:.1f}, planning {planning:.2f}, "
                f"{plans[-1][2]:,} buffers"
            )
            cursor.execute(sql, params)
            _, token, _, id_text, _ = cursor.fetchone()
            matches = parse_ids(id_text)
            tally = median_ms(lambda t=token, m=matches: counts(t, {}, m), options.runs)
            print(f"  its facet counts, in this process: {tally:.2f}")
            if len(bench_query.text.split()) == 1:
                for name, part in PARTS.items():
                    words = {"text": bench_query.text}
                    ms = median_ms(lambda p=part, w=words: cursor.execute(p, w), options.runs)
                    print(f"  {name}: {ms:.1f}")


if __name__ == "__main__":
    main()
