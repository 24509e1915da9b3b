"""Load test: simulated learners completing steps and claiming credit at once.

    .venv/bin/python benchmarks/load_test.py

Issue "production", item 7. Loopback only, bounded in time and requests.

Setup (about a minute):

* PostgreSQL: a throw-away cluster (benchmarks/harness/postgres.py: initdb +
  pg_ctl, as the ``postgres`` OS user when run as root, like .ci/run, and like
  it with fsync off) in a temporary folder on 127.0.0.1:54341 (LOAD_PG_PORT),
  stopped and deleted at exit. With LOAD_DATABASE_URL (a loopback PostgreSQL
  URL whose database name contains "load") that database is dropped and
  re-created instead.
* migrate + ``seed_demo`` (development settings, DEBUG on: seed_demo refuses
  to run without it), then ``collectstatic`` as in production (skipped when
  static/staticfiles.json is newer than every source; LOAD_COLLECTSTATIC=always).
* LOAD_LEARNERS (200) learner users with a LearnerProfile (a full name, so
  certificates can print, and a physician's degree, which a claim asks for),
  and a database session for each, written directly with the SessionStore and
  signed with the server's SECRET_KEY. Nobody logs in through /accounts/login/:
  it is rate limited per client address, and every simulated learner comes
  from 127.0.0.1.
* The paths: every live, credit-bearing demo path issued on completion with no
  prerequisites that takes enrolments today (a demo path whose credit is
  paused, a faculty disclosure having expired by the calendar, refuses new
  enrolments and is left out): about 5 paths of 4 or 5 steps, printed at the
  start. The correct post-test answers are read from each path
  (``learning.journey.questions``) and handed to the learners.
* Learners start at different points of their first path (learner i: path
  i mod the number of paths; new, half the steps done, every step done, or
  post-test passed, in turn; written through ``learning.journey.services``),
  so that claims run alongside completions from the start instead of only
  after each learner's first dozen requests. Those setup rows are left out of
  the comparison below.

Server: gunicorn, production settings (plain-HTTP switches off as in
``harness.processes.production_env``), LOAD_WORKERS (4) sync workers on 2 cores,
DATABASE_CONN_MAX_AGE as default (60 s, with health checks),
TASKS_BACKEND=immediate: a claim on a path issued on completion creates the
certificate in the claim's transaction and renders its PDF in the same request
once that commits (about 70 ms), as the embedded deployment does. Nothing else
then has to run for "every certificate's PDF is ready" to be checked.

Load: LOAD_LEARNERS threads, one per learner, each with its own cookies
(sessionid, the csrftoken cookie the first page sets, messages) and its own
http.client connection (sync gunicorn workers close it after every response;
http.client reopens it). No think time. Each learner, path after path (learner
i starts at path i mod the number of paths): GET the path page (receives the
CSRF cookie), POST enrol/, then for every step in order GET its step page (the
guide read as a step of the path, ``/guides/<slug>/?path=<slug>``, which shows
the activity's disclosure) and POST steps/<guide_id>/complete/ as that page's
"Mark complete" form does, with its hidden ``disclosure`` field read from the
page (the server records the step only with it:
``learning.journey.disclosure_proof``), then POST test/ with the correct
answers (answers a redirect to test/result/), POST evaluation/ (a redirect to
claim/ once the post-test is passed), POST claim/ with the path's maximum
credits and the attestation. POSTs are form posts with
``csrfmiddlewaretoken``, as the HTML forms send them. Every response is
recorded: kind, learner, path, step, status, latency, and whether it was the
expected answer (200 with the form for the step page; 302 to the next step or
the post-test for "mark complete": a 302 back to the path page means the
service refused it, one back to the step page that the proof was missing or
wrong). Requests stop at LOAD_DURATION (60) seconds or after
LOAD_MAX_REQUESTS (100000); requests in flight then finish.

Checks (reading the database in a child process): zero 5xx, zero connection
errors, zero unexpected answers; the (learner, step) pairs with a StepCompletion
row equal the pairs with a successful "mark complete" response (both ways, and
no pair twice); the claims in the database equal the successful claim
responses; one certificate per claim, every PDF ready and on disk.

Prints a Markdown table (with the CPU time of gunicorn, PostgreSQL, this
client and every other program during the run: on a shared machine the latter
says how disturbed the figures are), writes var/bench/load.json; the server log (JSON
lines, one per request with its duration) is var/bench/gunicorn-load.log.
Exit status: 0 all checks passed, 1 a check failed, 2 setup failed.

The learners are in load_learners.py, the Django side (setup, checks) in
load_phases.py, the analysis in load_report.py; ``benchmarks/db_restart_fault.py``
reuses them with a PostgreSQL restart.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, env_number, write_json
from benchmarks.harness.databases import collect_static, migrate_and_seed
from benchmarks.harness.postgres import recreate_database, server_version, throwaway_postgres
from benchmarks.harness.processes import (
    busy_seconds,
    own_cpu,
    process_tree_cpu_seconds,
    production_env,
    run_child,
)
from benchmarks.harness.server import start_server
from benchmarks.harness.stats import fmt, load_averages, machine_info, usable_cpus
from benchmarks.load_learners import Run, run_learners
from benchmarks.load_report import (
    compare,
    integrity_problems,
    preseeded,
    print_environment,
    print_kinds,
    print_measurements,
    server_log,
    summarise,
)

RESULTS_PATH = BENCH_DIR / "load.json"
SERVER_LOG = BENCH_DIR / "gunicorn-load.log"
MEDIA = BENCH_DIR / "load-media"
PHASES = Path(__file__).resolve().parent / "load_phases.py"
DB_NAME = "curbside_load"
# Lists in the check result that the results file leaves out.
BULKY_CHECKS = {"completions", "claims", "enrolment_pairs"}


@contextlib.contextmanager
def database(port):
    """Yield (DATABASE_URL, Cluster or None): LOAD_DATABASE_URL re-created, or a
    throw-away cluster."""
    given = os.environ.get("LOAD_DATABASE_URL", "").strip()
    if given:
        recreate_database(given, "load", "LOAD_DATABASE_URL")
        yield given, None
        return
    with throwaway_postgres(
        port, DB_NAME, durable=False, hint="Set LOAD_PG_PORT or LOAD_DATABASE_URL."
    ) as cluster:
        yield cluster.url, cluster


def app_env(db_url, secret_key, media=MEDIA):
    """Production settings for the server and the child steps (same SECRET_KEY,
    so the sessions written by the setup step are accepted)."""
    env = production_env(db_url, media)
    env.update(SECRET_KEY=secret_key, ALLOWED_HOSTS="127.0.0.1", TASKS_BACKEND="immediate")
    env.pop("ELASTICSEARCH_URL", None)
    return env


def build(db_url, secret_key, media=MEDIA):
    """migrate + seed_demo, then collectstatic when the static files are stale."""
    if media.exists():
        shutil.rmtree(media)
    migrate_and_seed(db_url, media, without=("ELASTICSEARCH_URL",))
    collect_static(db_url, app_env(db_url, secret_key, media), only_when_stale=True)


def phase(name, env, *args):
    """A phase of load_phases.py in a child process."""
    return run_child(PHASES, name, env, *args)


def environment(workers, learners, duration, load_start, pg_version):
    import django

    import gunicorn

    return {
        **machine_info(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "gunicorn_workers": f"{workers} sync",
        "postgresql": pg_version,
        "tasks_backend": "immediate",
        "learners": learners,
        "duration_s": duration,
        "load_average_at_start": load_start,
    }


def cpu_snapshot(server, cluster):
    """CPU seconds so far: gunicorn's tree, PostgreSQL's tree, this process
    (the learners' threads) and the whole machine (/proc/stat)."""
    pid = cluster.server_pid() if cluster is not None else None
    return {
        "gunicorn": server.cpu_seconds(),
        "postgresql": process_tree_cpu_seconds(pid) if pid else None,
        "client": own_cpu(),
        "machine": busy_seconds(),
    }


def cpu_used(before, after):
    used = {
        key: None if before[key] is None or after[key] is None else after[key] - before[key]
        for key in before
    }
    if None not in used.values():
        used["other"] = used["machine"] - used["gunicorn"] - used["postgresql"] - used["client"]
    return {key: None if value is None else round(value, 1) for key, value in used.items()}


def main():
    load_start = load_averages()
    print(f"Load average at start: {load_start}", flush=True)
    secret_key = secrets.token_urlsafe(50)
    try:
        learners_count = env_number("LOAD_LEARNERS", 200)
        duration = env_number("LOAD_DURATION", 60, float)
        max_requests = env_number("LOAD_MAX_REQUESTS", 100_000)
        workers = env_number("LOAD_WORKERS", 4)
        port = env_number("LOAD_PG_PORT", 54341)
        with database(port) as (db_url, cluster):
            build(db_url, secret_key)
            env = app_env(db_url, secret_key)
            print(f"Adding {learners_count} learners and their sessions...", flush=True)
            setup = phase("setup", env, learners_count)
            paths = setup["paths"]
            print(
                "Paths: " + ", ".join(f"{p['slug']} ({len(p['guides'])} steps)" for p in paths),
                flush=True,
            )
            server = start_server(db_url, workers=workers, log_path=SERVER_LOG, env=env)
            info = environment(
                workers, learners_count, duration, load_start, server_version(db_url)
            )
            try:
                run = Run(server.base_url, duration, max_requests)
                cpu_before = cpu_snapshot(server, cluster)
                print(
                    f"{learners_count} learners for {duration:g} s (at most {max_requests} "
                    "requests)...",
                    flush=True,
                )
                learners = run_learners(run, setup["learners"], paths)
                cpu_after = cpu_snapshot(server, cluster)
            finally:
                server.stop()
            info["load_average_at_end"] = load_averages()
            check = phase("check", env)
    except BenchError as exc:
        print(f"Load test aborted: {exc}", file=sys.stderr)
        return 2

    records = run.records
    seconds = run.wall_seconds
    durations, server_errors = server_log(SERVER_LOG)
    rows = summarise(records, seconds, durations)
    comparison = compare(records, check, preseeded(setup["learners"]))
    problems = integrity_problems(check)
    fivexx = [r for r in records if r["status"] >= 500]
    conn_errors = [r for r in records if r["error"]]
    unexpected = [r for r in records if not r["ok"] and r["status"] < 500 and not r["error"]]
    if fivexx:
        problems.append(f"{len(fivexx)} responses were 5xx")
    if conn_errors:
        problems.append(f"{len(conn_errors)} requests failed at the connection level")
    if unexpected:
        problems.append(f"{len(unexpected)} answers were not the expected ones")
    for key, label in (
        ("ok_response_without_row", "successful 'mark complete' responses without their row"),
        ("row_without_ok_response", "StepCompletion rows without a successful response"),
        ("ok_claim_without_row", "successful claims without their row"),
        ("claim_without_ok_response", "claims without a successful response"),
    ):
        if comparison[key]:
            problems.append(f"{len(comparison[key])} {label}: {comparison[key][:5]}")

    cpu = cpu_used(cpu_before, cpu_after)
    summary = {
        "learners": learners_count,
        "seconds": round(seconds, 1),
        "requests": len(records),
        "rps": round(len(records) / seconds, 1) if seconds else 0.0,
        "paths_completed": sum(learner.paths_done for learner in learners),
        "learners_with_server_csrf_cookie": sum(bool(x.csrf_from_server) for x in learners),
        "4xx": sum(400 <= r["status"] < 500 for r in records),
        "5xx": len(fivexx),
        "connection_errors": len(conn_errors),
        "unexpected_answers": len(unexpected),
        "cpu_seconds": cpu,
        "server_cpu_ms_per_request": round(cpu["gunicorn"] * 1000 / len(records), 1)
        if cpu.get("gunicorn") is not None and records
        else None,
        "server_errors_logged": len(server_errors),
    }
    print_environment(info, workers)
    table = [
        ("learners (threads, no think time)", learners_count),
        ("duration", f"{seconds:.1f} s"),
        ("requests", summary["requests"]),
        ("requests/s", summary["rps"]),
        ("paths completed (enrol → claim)", summary["paths_completed"]),
        (
            "4xx / 5xx / connection errors",
            f"{summary['4xx']} / {summary['5xx']} / {len(conn_errors)}",
        ),
        ("unexpected answers", len(unexpected)),
        (
            "mark complete: successful responses / distinct (learner, step) / new rows in DB",
            f"{comparison['completion_responses_ok']} / {comparison['completion_pairs_ok']} / "
            f"{comparison['completion_rows_written_by_load']}",
        ),
        (
            "success without row / row without success",
            f"{len(comparison['ok_response_without_row'])} / "
            f"{len(comparison['row_without_ok_response'])}",
        ),
        (
            "claims: successful responses / in DB / certificates / PDFs ready",
            f"{comparison['claim_responses_ok']} / {comparison['claims_db']} / "
            f"{check['certificates']} / {check['pdfs_ready']}",
        ),
        (
            "CPU s: gunicorn / PostgreSQL / load client / other programs "
            f"({usable_cpus()} cores x {seconds:.0f} s)",
            " / ".join(fmt(cpu.get(k), 1) for k in ("gunicorn", "postgresql", "client", "other")),
        ),
        ("gunicorn CPU per request", f"{fmt(summary['server_cpu_ms_per_request'], 1)} ms"),
        ("errors in the server log", len(server_errors)),
    ]
    print_measurements(table)
    print()
    print_kinds(rows)
    print()
    print(
        "Latency is measured by the client: with 200 learners and no think time it is mostly "
        "the wait for a free worker; 'server' columns are the request log's own durations."
    )
    write_json(
        RESULTS_PATH,
        {
            "environment": info,
            "summary": summary,
            "kinds": rows,
            "comparison": comparison,
            "database": {k: v for k, v in check.items() if k not in BULKY_CHECKS},
            "problems": problems,
            "server_errors": server_errors[:50],
            "failed_requests": [r for r in records if not r["ok"]][:200],
        },
    )
    print(
        f"Raw results: {RESULTS_PATH.relative_to(ROOT)}; server log: {SERVER_LOG.relative_to(ROOT)}"
    )
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}", file=sys.stderr)
        for error in server_errors[:5]:
            print(f"  server log: {error}", file=sys.stderr)
        return 1
    print("PASSED: no server errors; every successful response has its row and no row lacks one.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
