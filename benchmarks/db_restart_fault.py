"""Fault injection: PostgreSQL stopped and started again while learners work.

    .venv/bin/python benchmarks/db_restart_fault.py

Issue "production", item 7. Loopback only, bounded in time and requests.

The same setup as benchmarks/load_test.py (whose functions it uses; the
probes are in db_restart_probes.py): a
throw-away PostgreSQL cluster this script starts on 127.0.0.1:54342
(FAULT_PG_PORT; always its own cluster, since it must restart it), migrate +
seed_demo, FAULT_LEARNERS (50) learners with profiles and sessions written
directly (no log-in: /accounts/login/ is rate limited per address and every
learner comes from 127.0.0.1), gunicorn with production settings, FAULT_WORKERS
(4) sync workers, DATABASE_CONN_MAX_AGE as default (60 s, conn_health_checks on),
TASKS_BACKEND=immediate (a claim renders its certificate's PDF in the request).

The learners run the whole journey (path page, enrol, every step: its step
page, then its "Mark complete" form with the page's ``disclosure`` proof;
post-test, evaluation, claim; load_learners.py) for FAULT_DURATION (40)
seconds, at most FAULT_MAX_REQUESTS (50000) requests. A learner whose request
fails (5xx or a connection error) waits 1 s and sends it again, as a person
would; every attempt is recorded.
At FAULT_RESTART_AT (15) seconds PostgreSQL is stopped (``pg_ctl stop -m
fast``: connections are cut, transactions in flight roll back), stays down
FAULT_OUTAGE (5) seconds and is started again. /healthz is polled every 0.5 s
meanwhile (its answer is cached 5 s per worker process).

Checks:

* during the outage every failed request is a 503 with Retry-After (the
  ``curbside.observability`` handler), never a 500 nor a refused connection;
* after PostgreSQL is back the app recovers by itself (first good answer,
  last failure, /healthz 200 again) without restarting gunicorn;
* nothing half-written (as load_test.py checks: every StepCompletion has its
  Enrolment, no duplicates, claim <-> completed enrolment, one certificate per
  claim), first as left, then after the documented recovery
  (``learning.certificates.tasks.recover``: queues issuance and PDFs that are
  missing; with the immediate backend they run at once) every PDF ready;
* "no successful response without its row", for steps and claims. The other
  direction is reported separately: a request can commit and then lose its
  connection before answering, so the learner saw a 503 for a write that
  exists (a retry then finds it: the services are idempotent).

Prints Markdown tables and writes var/bench/db_restart.json; server log
var/bench/gunicorn-db-restart.log. Exit status: 0 all checks passed, 1 a check
failed, 2 setup failed.
"""

from __future__ import annotations

import collections
import json
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import load_test
from benchmarks.db_restart_probes import (
    HEALTHZ_INTERVAL,
    Fault,
    HealthPoller,
    committed_despite_error,
    failed,
    healthy_since,
    timeline,
    window,
)
from benchmarks.harness import BENCH_DIR, ROOT, BenchError, env_number, write_json
from benchmarks.harness.postgres import server_version, throwaway_postgres
from benchmarks.harness.server import start_server
from benchmarks.harness.stats import fmt, load_averages
from benchmarks.load_learners import REQUEST_TIMEOUT, Learner, Run
from benchmarks.load_report import (
    compare,
    integrity_problems,
    preseeded,
    print_environment,
    print_measurements,
    server_log,
    summarise,
)

RESULTS_PATH = BENCH_DIR / "db_restart.json"
SERVER_LOG = BENCH_DIR / "gunicorn-db-restart.log"
MEDIA = BENCH_DIR / "db-restart-media"
RECOVERY_WAIT = 20


def main():
    load_start = load_averages()
    print(f"Load average at start: {load_start}", flush=True)
    secret_key = secrets.token_urlsafe(50)
    recovered_health = None
    try:
        learners_count = env_number("FAULT_LEARNERS", 50)
        duration = env_number("FAULT_DURATION", 40, float)
        restart_at = env_number("FAULT_RESTART_AT", 15, float)
        outage = env_number("FAULT_OUTAGE", 5, float)
        max_requests = env_number("FAULT_MAX_REQUESTS", 50_000)
        workers = env_number("FAULT_WORKERS", 4)
        port = env_number("FAULT_PG_PORT", 54342)
        with throwaway_postgres(
            port, load_test.DB_NAME, durable=False, hint="Set FAULT_PG_PORT."
        ) as cluster:
            db_url = cluster.url
            load_test.build(db_url, secret_key, MEDIA)
            env = load_test.app_env(db_url, secret_key, MEDIA)
            print(f"Adding {learners_count} learners and their sessions...", flush=True)
            setup = load_test.phase("setup", env, learners_count)
            server = start_server(db_url, workers=workers, log_path=SERVER_LOG, env=env)
            info = load_test.environment(
                workers, learners_count, duration, load_start, server_version(db_url)
            )
            info.update(restart_at_s=restart_at, outage_s=outage, retry_pause_s=1.0)
            try:
                run = Run(
                    server.base_url, duration, max_requests, retry_failures=True, retry_pause=1.0
                )
                poller = HealthPoller(run)
                fault = Fault(run, cluster, restart_at, outage)
                print(
                    f"{learners_count} learners for {duration:g} s; PostgreSQL stops at "
                    f"{restart_at:g} s for {outage:g} s...",
                    flush=True,
                )
                accounts, paths = setup["learners"], setup["paths"]
                learners = [Learner(i, account, paths, run) for i, account in enumerate(accounts)]
                threads = [threading.Thread(target=x, daemon=True) for x in learners]
                run.start()
                poller.start()
                fault.start()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    remaining = max(0.0, run.deadline - time.monotonic())
                    thread.join(timeout=remaining + REQUEST_TIMEOUT + 5)
                run.wall_seconds = run.elapsed()
                fault.join(timeout=60)
                # The app must come back by itself: /healthz 200 within RECOVERY_WAIT s.
                give_up = time.monotonic() + RECOVERY_WAIT
                while time.monotonic() < give_up and not healthy_since(poller.samples, fault.times):
                    time.sleep(HEALTHZ_INTERVAL)
                recovered_health = healthy_since(poller.samples, fault.times)
                poller.stopping.set()
                poller.join(timeout=10)
            finally:
                server.stop()
            info["load_average_at_end"] = load_averages()
            check_before = load_test.phase("check", env)
            recovery = load_test.phase("recover", env)
            check_after = load_test.phase("check", env)
            pg_log = cluster.log_tail(40)
    except BenchError as exc:
        print(f"Fault test aborted: {exc}", file=sys.stderr)
        return 2

    records = run.records
    times = fault.times
    durations, server_errors = server_log(SERVER_LOG)
    by_window = {
        name: collections.Counter(
            (r["status"] or r["error"]) for r in records if window(r, times) == name
        )
        for name in ("before", "outage", "after")
    }
    failures = [r for r in records if failed(r)]
    outage_failures = [r for r in failures if window(r, times) == "outage"]
    bad_failures = [
        r for r in failures if r["status"] != 503 or not r["retry_after"]
    ]  # 500s, connection errors, 503 without Retry-After
    unexpected = [r for r in records if not r["ok"] and not failed(r)]
    after_up = [r for r in records if window(r, times) == "after"]
    first_ok_after = min((r["end"] for r in after_up if r["ok"]), default=None)
    last_failure = max((r["end"] for r in failures), default=None)
    comparison = compare(records, check_after, preseeded(accounts))
    committed = committed_despite_error(records, check_after)
    problems_before = integrity_problems(check_before)
    problems = integrity_problems(check_after)
    if fault.error:
        problems.append(f"the fault could not be injected: {fault.error}")
    if "up" not in times:
        problems.append("PostgreSQL was not restarted")
    if not outage_failures:
        problems.append("no request failed during the outage: the fault did not bite")
    if bad_failures:
        kinds = collections.Counter(str(r["status"] or r["error"]) for r in bad_failures)
        problems.append(f"{len(bad_failures)} failures were not a 503 with Retry-After: {kinds}")
    if unexpected:
        problems.append(f"{len(unexpected)} answers were not the expected ones")
    if recovered_health is None:
        problems.append(f"/healthz did not answer 200 within {RECOVERY_WAIT} s after the restart")
    if first_ok_after is None:
        problems.append("no successful request after PostgreSQL came back")
    for key, label in (
        ("ok_response_without_row", "successful 'mark complete' responses without their row"),
        ("ok_claim_without_row", "successful claims without their row"),
    ):
        if comparison[key]:
            problems.append(f"{len(comparison[key])} {label}: {comparison[key][:5]}")

    health = timeline(poller.samples)
    waits = [sample["ms"] for sample in poller.samples]
    health_ms = (statistics.median(waits), max(waits)) if waits else (None, None)
    summary = {
        "learners": learners_count,
        "seconds": round(run.wall_seconds, 1),
        "requests": len(records),
        "failed_requests": len(failures),
        "failed_during_outage": len(outage_failures),
        "failures_not_503_with_retry_after": len(bad_failures),
        "unexpected_answers": len(unexpected),
        "statuses_by_window": {k: dict(v) for k, v in by_window.items()},
        "fault_times_s": times,
        "first_ok_after_restart_s": first_ok_after,
        "last_failure_s": last_failure,
        "healthz_200_again_s": recovered_health,
        "healthz_timeline": health,
        "recovery": recovery,
        "committed_despite_error": committed,
        "paths_completed": sum(x.paths_done for x in learners),
    }
    fmt_t = fmt
    print_environment(info, workers)
    rows = [
        ("learners (threads, retry a failure after 1 s)", learners_count),
        ("duration / requests", f"{run.wall_seconds:.1f} s / {len(records)}"),
        (
            "PostgreSQL stop begun / down / start begun / up",
            " / ".join(
                f"{fmt_t(times.get(k), 1)} s" for k in ("stop_begin", "down", "start_begin", "up")
            ),
        ),
        (
            "answers before the stop",
            ", ".join(f"{k}: {v}" for k, v in sorted(by_window["before"].items(), key=str)),
        ),
        (
            "answers while PostgreSQL was down",
            ", ".join(f"{k}: {v}" for k, v in sorted(by_window["outage"].items(), key=str)),
        ),
        (
            "answers after it was up",
            ", ".join(f"{k}: {v}" for k, v in sorted(by_window["after"].items(), key=str)),
        ),
        ("failures that were not 503 + Retry-After", len(bad_failures)),
        ("unexpected answers (4xx, refusals)", len(unexpected)),
        (
            "last failure / first success after restart",
            f"{fmt_t(last_failure, 1)} s / {fmt_t(first_ok_after, 1)} s",
        ),
        ("/healthz 200 again at", f"{fmt_t(recovered_health, 1)} s"),
        (
            "/healthz answers / median / max wait (queued behind the learners)",
            f"{len(poller.samples)} / {fmt_t(health_ms[0])} ms / {fmt_t(health_ms[1])} ms",
        ),
        (
            "mark complete: successful responses / distinct pairs / new rows in DB",
            f"{comparison['completion_responses_ok']} / {comparison['completion_pairs_ok']} / "
            f"{comparison['completion_rows_written_by_load']}",
        ),
        (
            "success without row (must be 0) / row without success",
            f"{len(comparison['ok_response_without_row'])} / "
            f"{len(comparison['row_without_ok_response'])}",
        ),
        ("writes committed although the learner got an error", len(committed)),
        (
            "claims: successful / in DB / certificates / PDFs ready (as left)",
            f"{comparison['claim_responses_ok']} / {comparison['claims_db']} / "
            f"{check_before['certificates']} / {check_before['pdfs_ready']}",
        ),
        ("integrity problems as left", "; ".join(problems_before) or "none"),
        ("recovery pass (recover())", json.dumps(recovery)),
        (
            "certificates / PDFs ready after recovery",
            f"{check_after['certificates']} / {check_after['pdfs_ready']}",
        ),
        ("errors in the server log", len(server_errors)),
    ]
    print_measurements(rows)
    print()
    print(
        "/healthz (asked 0.5 s after each answer; times are when the answer came; "
        "each worker caches its answer 5 s):"
    )
    print()
    print("| from s | to s | HTTP | status | samples |")
    print("|---:|---:|---:|---|---:|")
    for entry in health:
        print(
            f"| {entry['from']:.1f} | {entry['to']:.1f} | {entry['status']} | {entry['state']} | "
            f"{entry['samples']} |"
        )
    exceptions = collections.Counter(
        (e.get("exception") or e.get("raw", "")[:80], e.get("status")) for e in server_errors
    )
    if exceptions:
        print()
        print(
            "Errors in the server log (exception, status): "
            + ", ".join(f"{k[0]} {k[1]} x{v}" for k, v in exceptions.most_common())
        )
    bulky = load_test.BULKY_CHECKS
    write_json(
        RESULTS_PATH,
        {
            "environment": info,
            "summary": summary,
            "kinds": summarise(records, run.wall_seconds, durations),
            "comparison": comparison,
            "database_as_left": {k: v for k, v in check_before.items() if k not in bulky},
            "database_after_recovery": {k: v for k, v in check_after.items() if k not in bulky},
            "problems_as_left": problems_before,
            "problems": problems,
            "server_errors": server_errors[:100],
            "failed_requests": failures[:300],
            "unexpected_requests": unexpected[:100],
            "postgresql_log_tail": pg_log,
        },
    )
    print()
    print(
        f"Raw results: {RESULTS_PATH.relative_to(ROOT)}; server log: {SERVER_LOG.relative_to(ROOT)}"
    )
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    print(
        "PASSED: the outage answered 503 with Retry-After, the app recovered by itself, "
        "and nothing was half-written."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
