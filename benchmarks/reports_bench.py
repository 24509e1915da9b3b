"""Reports and exports over a million records (issue: performance).

    .venv/bin/python benchmarks/reports_bench.py

Generates one institution (reports_data.py: 50 credit paths, 100,000
enrolments, 1,000,000 step completions, attempts, evaluations, claims and
certificates, CME report batches of 10,000 and 100,000 rows) on PostgreSQL,
then measures, each in a fresh child process with DEBUG off:

* a path's CME report page (``/admin/cme-reports/<id>/``, the staff view,
  signed in as the institution's CME staff member through Django's test
  client): median and p95 of ``--repeat`` requests after one warm-up, for
  the largest path and for the median one, with the number of queries;
* the PARS learner files of the batches (``learners.xlsx``, the Excel
  template the CME office uploads, and ``learners.json``): the time to read
  every byte of the response, then, in another process, the peak of
  tracemalloc and the growth of the process's RSS, at 10,000 and 100,000 rows.

PostgreSQL: ``BENCH_DATABASE_URL`` names a loopback database whose name
contains ``bench`` (dropped and re-created); without it a throw-away cluster
starts on 127.0.0.1:``BENCH_REPORTS_PG_PORT`` (54345) and is deleted at exit.
``--reuse`` keeps the data already in ``BENCH_DATABASE_URL`` (migrate only);
``--only report`` measures the report pages alone, ``--only export`` the files.
``--sqlite`` runs on var/bench/reports.sqlite3 instead. Each measuring step is
bounded by ``BENCH_REPORTS_TIMEOUT`` seconds (300). Results go to
var/bench/reports.json. Exit status: 0 done, 2 setup failed.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, env_number, write_json
from benchmarks.harness.databases import fresh_sqlite_url, timed_manage
from benchmarks.harness.postgres import recreate_database, throwaway_postgres
from benchmarks.harness.processes import (
    child_answer,
    child_command,
    child_main,
    dev_env,
    django_setup,
)
from benchmarks.harness.stats import fmt, load_average, machine_info, median, percentile

RESULTS_PATH = BENCH_DIR / "reports.json"


def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def backend_cpu_seconds():
    """CPU seconds used so far by this connection's PostgreSQL backend (from
    /proc: the server runs on this machine), or None (SQLite, no /proc)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signed_in_client(username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def phase_setup(day):
    django_setup()
    from benchmarks.reports_data import generate

    started = time.perf_counter()
    answer = generate(day)
    answer["seconds"] = time.perf_counter() - started
    return answer


def phase_report(username, pk, repeat):
    """GET the path's report ``repeat`` times after a warm-up."""
    django_setup(urls=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(username)
    url = f"/admin/cme-reports/{pk}/"
    times, cpu, web, size, queries = [], [], [], 0, 0
    for i in range(int(repeat) + 1):
        database = backend_cpu_seconds()
        with CaptureQueriesContext(connection) as captured:
            started, own = time.perf_counter(), time.process_time()
            response = client.get(url)
            body = response.content
            elapsed = (time.perf_counter() - started) * 1000
            own = time.process_time() - own
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        after = backend_cpu_seconds()
        if i:
            times.append(elapsed)
            # CPU of this process and of its database backend: hardly moved by
            # other programs' load, unlike the wall-clock time.
            cpu.append((own + (after - database if database is not None else 0)) * 1000)
            web.append(own * 1000)
        size, queries = len(body), len(captured)
    return {"times_ms": times, "cpu_ms": cpu, "web_cpu_ms": web, "bytes": size, "queries": queries}


def phase_export(username, pk, kind, measure):
    """Read every byte of the batch's file; ``measure`` is "time" or "memory"."""
    django_setup(urls=True)
    import tracemalloc

    client = signed_in_client(username)
    url = f"/admin/cme-reports/batches/{pk}/learners.{kind}"
    client.get("/admin/cme-reports/batches/")  # warm caches: the admin's menus
    before = rss_kib()
    if measure == "memory":
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    first_byte = None
    size = 0
    streaming = getattr(response, "streaming", False)
    for chunk in response.streaming_content if streaming else [response.content]:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if measure == "memory" else None
    import resource

    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "status": response.status_code,
        "streaming": streaming,
        "content_type": response["Content-Type"],
        "disposition": response.get("Content-Disposition", ""),
        "bytes": size,
        "seconds": seconds,
        "first_byte_seconds": first_byte,
        "tracemalloc_peak_mib": None if peak is None else peak / 2**20,
        "rss_growth_mib": (max_rss - before) / 1024,
    }


def run_phase(env, phase, *args, timeout):
    command = child_command(__file__, phase, *args)
    load = load_average()
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"timed_out": timeout, "load_1min": load}
    if result.returncode != 0:
        return {"failed": (result.stdout + result.stderr)[-2000:], "load_1min": load}
    answer = child_answer(phase, result.stdout, result.stderr)
    answer["load_1min"] = load
    return answer


def measure(env, setup, repeat, timeout, only=None):
    results = {"report": {}, "export": {}}
    for name in ("largest_path", "median_path") if only != "export" else ():
        path = setup[name]
        print(
            f"Report page, {name.replace('_', ' ')} ({path['enrolments']} enrolments)...",
            flush=True,
        )
        answer = run_phase(env, "report", setup["staff"], path["pk"], repeat, timeout=timeout)
        answer["enrolments"] = path["enrolments"]
        results["report"][name] = answer
    batches = setup["batches"].items() if only != "report" else {}
    for rows, pk in sorted(batches, key=lambda item: int(item[0])):
        for kind in ("xlsx", "json"):
            for what in ("time", "memory"):
                print(f"Export {kind}, {rows} rows, {what}...", flush=True)
                answer = run_phase(env, "export", setup["staff"], pk, kind, what, timeout=timeout)
                results["export"][f"{kind}-{rows}-{what}"] = answer
    return results


def describe(answer, key, digits=0, scale=1):
    if "timed_out" in answer:
        return f"stopped after {answer['timed_out']} s"
    if "failed" in answer:
        return "failed"
    value = answer.get(key)
    return fmt(None if value is None else value * scale, digits)


def print_table(results):
    print(
        "\n| report page | enrolments | median ms | p95 ms | CPU ms (web + db), median "
        "| of which web | queries | KiB | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, answer in results["report"].items():
        times = answer.get("times_ms") or []
        ok = "timed_out" not in answer and "failed" not in answer
        print(
            f"| {name.replace('_', ' ')} | {answer['enrolments']} | "
            f"{fmt(median(times)) if ok else describe(answer, 'x')} | "
            f"{fmt(percentile(times, 0.95)) if ok else '-'} | "
            f"{fmt(median(answer.get('cpu_ms') or []))} | "
            f"{fmt(median(answer.get('web_cpu_ms') or []))} | {answer.get('queries', '-')} | "
            f"{fmt((answer.get('bytes') or 0) / 1024)} | {answer['load_1min']} |"
        )
    print(
        "\n| export | rows | seconds | first byte s | streamed | peak tracemalloc MiB "
        "| RSS growth MiB | MiB | load |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    export = results["export"]
    for key in sorted({k.rsplit("-", 1)[0] for k in export}, key=lambda k: (k[:4], int(k[5:]))):
        timed, mem = export.get(f"{key}-time", {}), export.get(f"{key}-memory", {})
        kind, rows = key.split("-")
        print(
            f"| learners.{kind} | {rows} | {describe(timed, 'seconds', 1)} | "
            f"{describe(timed, 'first_byte_seconds', 2)} | {timed.get('streaming', '-')} | "
            f"{describe(mem, 'tracemalloc_peak_mib', 1)} | {describe(timed, 'rss_growth_mib', 1)} "
            f"| {describe(timed, 'bytes', 1, 1 / 2**20)} | {timed.get('load_1min')} |"
        )


def prepare(args, env):
    state = BENCH_DIR / f"reports-state-{'sqlite' if args.sqlite else 'postgres'}.json"
    timed_manage(["migrate", "--noinput"], env)
    if args.reuse and state.exists():
        print("  reusing the generated data (--reuse)", flush=True)
        import json

        return json.loads(state.read_text())
    print(
        "Generating the institution (100,000 enrolments, 1,000,000 step completions)...", flush=True
    )
    started = time.perf_counter()
    command = child_command(__file__, "setup", args.day)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"generating the data failed:\n{result.stdout}{result.stderr}")
    setup = child_answer("setup", result.stdout, result.stderr)
    print(f"  {time.perf_counter() - started:.0f} s: {setup['counts']}", flush=True)
    write_json(state, setup)
    return setup


def run(args, db_url):
    env = dev_env(db_url, debug=False)
    env["DJANGO_DEBUG"] = "false"  # development settings, DEBUG off (no query log)
    setup = prepare(args, env)
    info = {**machine_info(), "load_average_1min_at_start": load_average(), "database": args.db}
    results = measure(env, setup, args.repeat, args.timeout, args.only)
    print(
        f"\n{info['date']}, nproc {info['nproc']}, {args.db}, load at start "
        f"{info['load_average_1min_at_start']}"
    )
    print_table(results)
    write_json(RESULTS_PATH, {"environment": info, "setup": setup, "results": results})
    print(f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--reuse", action="store_true", help="keep BENCH_DATABASE_URL's data")
    parser.add_argument("--repeat", type=int, default=env_number("BENCH_REPORTS_REPEAT", 10))
    parser.add_argument("--day", default=datetime.date.today().isoformat())
    parser.add_argument(
        "--only", choices=["report", "export"], help="measure the report pages or the files only"
    )
    parser.add_argument("--timeout", type=int, default=env_number("BENCH_REPORTS_TIMEOUT", 300))
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    try:
        if args.sqlite:
            args.db = "SQLite"
            path = BENCH_DIR / "reports.sqlite3"
            if not (args.reuse and path.exists()):
                fresh_sqlite_url(path)
            run(args, f"sqlite:///{path}")
        elif url:
            args.db = "PostgreSQL (BENCH_DATABASE_URL)"
            if not args.reuse:
                recreate_database(url, "bench", "BENCH_DATABASE_URL")
            run(args, url)
        else:
            args.reuse = False
            port = env_number("BENCH_REPORTS_PG_PORT", 54345)
            hint = "BENCH_REPORTS_PG_PORT chooses another port, BENCH_DATABASE_URL a database."
            with throwaway_postgres(port, "curbside_bench", durable=False, hint=hint) as cluster:
                args.db = f"PostgreSQL {cluster.version} (throw-away, fsync off)"
                run(args, cluster.url)
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    phases = {
        "setup": phase_setup,
        "report": phase_report,
        "export": phase_export,
    }
    if not child_main(phases):
        sys.exit(main())
