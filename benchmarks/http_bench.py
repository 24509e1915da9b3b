"""Benchmark public page serving under gunicorn with production settings.

Run it with ``make bench`` or ``.venv/bin/python benchmarks/http_bench.py``.

The script never touches the developer's data: it builds a throw-away SQLite
database in var/bench/ (migrate + seed_demo), collects static files, starts
gunicorn on a free local port with production-like settings, drives every URL
in ``PAGES`` with wrk and prints a Markdown table. Raw figures go to
var/bench/results-http.json. Exit status: 0 when every request answered 2xx,
1 when any request errored or answered non-2xx (a page that does not answer
2xx before the load starts counts too), 2 when a tool is missing or the
setup broke.

Environment: BENCH_DURATION (seconds per URL, default 15).

The steps are plain functions (most of them in benchmarks/harness/) so other
benchmark scripts can reuse them::

    from benchmarks import http_bench

    http_bench.PAGES.append(http_bench.BenchPage("path page", "/paths/some-path/"))
    raise SystemExit(http_bench.main())
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gunicorn

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, env_number
from benchmarks.harness.databases import collect_static, fresh_sqlite_url, migrate_and_seed
from benchmarks.harness.server import (
    GUNICORN_WORKERS,
    WRK_CONNECTIONS,
    WRK_THREADS,
    ensure_wrk,
    get_status,
    run_wrk,
    start_server,
    warm_up,
)
from benchmarks.harness.stats import load_average, machine_info

DB_PATH = BENCH_DIR / "bench.sqlite3"
RESULTS_PATH = BENCH_DIR / "results-http.json"
DEFAULT_DURATION = 15


@dataclass(frozen=True)
class BenchPage:
    """One URL to benchmark: a short name for the table and a path on the site."""

    name: str
    path: str


# Later scenarios append to this list (see the module docstring).
PAGES: list[BenchPage] = [
    BenchPage("home", "/"),
    BenchPage("guide page", "/guides/mi-in-young-women/"),
    BenchPage("guide index", "/guides/"),
]


class PageStatusError(BenchError):
    """A page answered something other than 2xx before the load started."""


def build_database(db_path=DB_PATH):
    """Create a fresh, seeded SQLite database and return its DATABASE_URL."""
    db_url = fresh_sqlite_url(db_path)
    print(f"Building {Path(db_path).relative_to(ROOT)}:", flush=True)
    migrate_and_seed(db_url)
    return db_url


def bench_duration():
    return env_number("BENCH_DURATION", DEFAULT_DURATION)


def environment_info(workers=GUNICORN_WORKERS, duration=None):
    return {
        **machine_info(),
        "gunicorn": gunicorn.__version__,
        "gunicorn_workers": workers,
        "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{duration}s",
        # Other programs running during the benchmark skew it; this shows if they were.
        "load_average_1min_at_start": load_average(),
    }


def environment_line(info):
    return (
        f"Environment: nproc={info['nproc']}, Python {info['python']}, "
        f"gunicorn {info['gunicorn']} with {info['gunicorn_workers']} sync workers, "
        f"wrk {info['wrk']}, load average {info['load_average_1min_at_start']}, {info['date']}"
    )


def failed_requests(figures):
    return figures["errors"] + figures["non2xx"]


def print_table(results):
    """Print results (a list of dicts with name, path and wrk figures) as Markdown."""
    print("| page | URL | requests/s | median ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['name']} | `{row['path']}` | {row['rps']:.1f} | "
            f"{row['p50_us'] / 1000:.1f} | {row['p95_us'] / 1000:.1f} | "
            f"{failed_requests(row)} |"
        )


def write_results(info, results, path=RESULTS_PATH):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"environment": info, "results": results}, indent=2) + "\n")


def bench_pages(server, pages, duration, wrk="wrk"):
    """Check every page answers 2xx, then load each one in turn."""
    for page in pages:
        try:
            status = get_status(server.base_url, page.path)
        except OSError as exc:
            raise BenchError(f"{page.path} did not answer ({exc}):\n{server.log_tail()}") from exc
        if not 200 <= status < 300:
            raise PageStatusError(f"{page.path} answered HTTP {status}, expected 2xx.")
    results = []
    for page in pages:
        print(f"Loading {page.path} for {duration} s...", flush=True)
        figures, cpu_seconds = load_page(server, server.base_url + page.path, duration, wrk)
        if cpu_seconds is not None and figures["requests"]:
            cpu_ms = cpu_seconds * 1000 / figures["requests"]
            figures["server_cpu_ms_per_request"] = round(cpu_ms, 2)
        results.append({"name": page.name, "path": page.path, **figures})
    return results


def load_page(server, url, duration, wrk="wrk"):
    """Warm up, then load ``url`` with wrk: its figures and the app server's
    CPU seconds during the load (None when they cannot be read)."""
    warm_up(url, wrk=wrk)
    cpu_before = server.cpu_seconds()
    figures = run_wrk(url, duration, warmup=0, wrk=wrk)
    cpu_after = server.cpu_seconds()
    if cpu_before is None or cpu_after is None:
        return figures, None
    return figures, cpu_after - cpu_before


def main(pages=None):
    pages = PAGES if pages is None else pages
    wrk = ensure_wrk()
    try:
        duration = bench_duration()
        db_url = build_database()
        collect_static(db_url)
        server = start_server(db_url)
        try:
            info = environment_info(server.workers, duration)
            results = bench_pages(server, pages, duration, wrk=wrk)
        finally:
            server.stop()
    except PageStatusError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2

    write_results(info, results)
    print()
    print(environment_line(info))
    print()
    print_table(results)
    print()
    print(f"Raw results: {RESULTS_PATH.relative_to(ROOT)}")
    failures = [row for row in results if failed_requests(row)]
    if failures:
        names = ", ".join(row["name"] for row in failures)
        print(f"FAILED: some requests errored or answered non-2xx ({names}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
