"""Anonymous public pages through Varnish (the HTTP cache of docs/http-cache.md).

Run it with ``make bench`` or ``.venv/bin/python benchmarks/http_cache_bench.py``.

The same throw-away seeded SQLite database and gunicorn server as
``http_bench.py`` (2 sync workers, production settings), with ``varnishd``
(Debian's package) started in front of it with the repository's VCL
(``deploy/varnish/curbside.vcl``, both backends pointed at this server) on a
free loopback port. For each page: two GETs through Varnish check the second
is a ``HIT``; then wrk loads the page through Varnish, and the server's CPU
time during the load shows how many requests reached Django. The same pages
straight from gunicorn are ``http_bench.py``'s rows.

Exit status: 0 when every request answered 2xx and every page was a hit,
1 otherwise, 2 when a tool is missing or the setup broke.
Environment: BENCH_DURATION (seconds per URL, default 15), VARNISHD.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import http_bench
from benchmarks.harness import BENCH_DIR, ROOT, BenchError
from benchmarks.harness.databases import collect_static
from benchmarks.harness.server import ensure_wrk, start_server

RESULTS_PATH = BENCH_DIR / "results-http-cache.json"


def start_varnish(backend_port: int):
    # The tests' real-varnishd helper (tests/http_cache/varnish.py): the same
    # VCL substitution and start-up checks the cache tests use.
    import _pytest.outcomes

    from tests.http_cache.varnish import Varnish

    try:
        return Varnish(backend_port)
    except (_pytest.outcomes.Skipped, _pytest.outcomes.Failed) as exc:
        raise BenchError(str(exc)) from None


def bench_through(varnish, server, pages, duration, wrk):
    results = []
    for page in pages:
        first = varnish.get(page.path)
        second = varnish.get(page.path)
        if first.status != 200 or second.header("X-Cache") != "HIT":
            raise BenchError(
                f"{page.path} through Varnish: {first.status}, then X-Cache "
                f"{second.header('X-Cache')!r} (expected 200 then HIT)"
            )
        print(f"Loading {page.path} through Varnish for {duration} s...", flush=True)
        figures, cpu_seconds = http_bench.load_page(server, varnish.url + page.path, duration, wrk)
        if cpu_seconds is not None:
            figures["app_server_cpu_seconds"] = round(cpu_seconds, 3)
        results.append({"name": page.name, "path": page.path, **figures})
    return results


def main() -> int:
    wrk = ensure_wrk()
    try:
        duration = http_bench.bench_duration()
        db_url = http_bench.build_database()
        collect_static(db_url)
        server = start_server(db_url)
        try:
            varnish = start_varnish(int(server.base_url.rsplit(":", 1)[1]))
            try:
                info = http_bench.environment_info(server.workers, duration)
                results = bench_through(varnish, server, http_bench.PAGES, duration, wrk)
            finally:
                varnish.stop()
        finally:
            server.stop()
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps({"environment": info, "results": results}, indent=2) + "\n")
    print()
    print(http_bench.environment_line(info) + ", through Varnish")
    print()
    print("| page | URL | requests/s | median ms | p95 ms | errors | app server CPU s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['name']} | `{row['path']}` | {row['rps']:.1f} | "
            f"{row['p50_us'] / 1000:.2f} | {row['p95_us'] / 1000:.2f} | "
            f"{http_bench.failed_requests(row)} | {row.get('app_server_cpu_seconds', '-')} |"
        )
    print()
    print(f"Raw results: {RESULTS_PATH.relative_to(ROOT)}")
    return 1 if any(http_bench.failed_requests(row) for row in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
