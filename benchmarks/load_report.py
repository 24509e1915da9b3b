"""What load_test.py and db_restart_fault.py make of the responses, the server
log and the database: per-kind figures, the database against the responses,
and anything half-written."""

import collections
import json
import re
import statistics

from benchmarks.harness.stats import fmt, percentile

KINDS = ["path page", "enrol", "step page", "complete", "post-test", "evaluation", "claim"]


def kind_of(path):
    if re.search(r"/steps/\d+/complete/$", path):
        return "complete"
    for suffix, kind in (
        ("/enrol/", "enrol"),
        ("/test/", "post-test"),
        ("/evaluation/", "evaluation"),
        ("/claim/", "claim"),
    ):
        if path.endswith(suffix):
            return kind
    if path.startswith("/guides/"):
        return "step page"  # the learners read a guide only as a step (…?path=<slug>)
    return "path page" if path.startswith("/paths/") else "other"


def server_log(log_path):
    """Per kind, server-side durations (the request log), and the error records."""
    durations = collections.defaultdict(list)
    errors = []
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return durations, errors
    for line in lines:
        if not line.startswith("{"):
            if "[ERROR]" in line or "Traceback" in line:
                errors.append({"raw": line[:500]})
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "curbside.request" and "duration_ms" in entry:
            durations[kind_of(entry.get("path", ""))].append(entry["duration_ms"])
        elif entry.get("level") in {"ERROR", "CRITICAL"}:
            exception = entry.get("exception") or {}
            errors.append(
                {
                    "time": entry.get("time"),
                    "logger": entry.get("logger"),
                    "message": entry.get("message"),
                    "path": entry.get("path"),
                    "status": entry.get("status"),
                    "exception": exception.get("type"),
                    "exception_message": (exception.get("message") or "")[:300],
                    "where": (exception.get("traceback") or "").strip().splitlines()[-3:-1],
                }
            )
    return durations, errors


def summarise(records, seconds, server_durations):
    rows = []
    for kind in KINDS:
        mine = [r for r in records if r["kind"] == kind]
        if not mine:
            continue
        latencies = [r["ms"] for r in mine]
        server = server_durations.get(kind, [])
        rows.append(
            {
                "kind": kind,
                "requests": len(mine),
                "expected": sum(r["ok"] for r in mine),
                "rps": len(mine) / seconds if seconds else 0.0,
                "median_ms": statistics.median(latencies),
                "p95_ms": percentile(latencies, 0.95),
                "server_median_ms": statistics.median(server) if server else None,
                "server_p95_ms": percentile(server, 0.95),
                "4xx": sum(400 <= r["status"] < 500 for r in mine),
                "5xx": sum(r["status"] >= 500 for r in mine),
                "connection_errors": sum(bool(r["error"]) for r in mine),
                "statuses": dict(collections.Counter(str(r["status"] or r["error"]) for r in mine)),
            }
        )
    return rows


def print_kinds(rows):
    print(
        "| request | requests | expected answer | req/s | median ms | p95 ms "
        "| server median ms | server p95 ms | 4xx | 5xx | conn. errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['kind']} | {row['requests']} | {row['expected']} | {row['rps']:.1f} | "
            f"{fmt(row['median_ms'])} | {fmt(row['p95_ms'])} | {fmt(row['server_median_ms'], 1)} | "
            f"{fmt(row['server_p95_ms'], 1)} | {row['4xx']} | {row['5xx']} | "
            f"{row['connection_errors']} |"
        )


def preseeded(accounts):
    """(learner, path, step) pairs completed by the setup, before the load."""
    return {(a["username"], a["start"]["slug"], g) for a in accounts for g in a["start"]["done"]}


def compare(records, check, before=frozenset()):
    """The database against the responses the learners saw; ``before``: the
    completions the setup wrote (no response stands for them)."""
    ok_steps = {
        (r["learner"], r["path"], r["guide"])
        for r in records
        if r["kind"] == "complete" and r["ok"]
    }
    db_steps = {(u, s, g) for u, s, g, _ in check["completions"]} - set(before)
    ok_claims = {(r["learner"], r["path"]) for r in records if r["kind"] == "claim" and r["ok"]}
    db_claims = {(u, s) for u, s, _ in check["claims"]}
    ok_responses = sum(1 for r in records if r["kind"] == "complete" and r["ok"])
    return {
        "completion_responses_ok": ok_responses,
        "completion_pairs_ok": len(ok_steps),
        "completion_rows": check["completion_rows"],
        "completion_rows_before_load": len(before),
        "completion_rows_written_by_load": check["completion_rows"] - len(before),
        "completion_pairs_db": check["completion_pairs"],
        "ok_response_without_row": sorted(ok_steps - db_steps),
        "row_without_ok_response": sorted(db_steps - ok_steps),
        "claim_responses_ok": len(ok_claims),
        "claims_db": len(db_claims),
        "ok_claim_without_row": sorted(ok_claims - db_claims),
        "claim_without_ok_response": sorted(db_claims - ok_claims),
    }


def integrity_problems(check):
    """Anything half-written, whatever the responses were."""
    problems = []
    tests = [
        ("orphan_completions", "StepCompletion rows without their Enrolment"),
        ("passed_before_all_steps", "passed post-tests before every step was complete"),
        ("enrolments_passed_twice", "enrolments with two passed attempts"),
        ("evaluations_without_pass", "evaluations without a passed post-test"),
        ("claims_without_evaluation", "claims without an evaluation"),
        ("claims_not_completed", "claims whose enrolment is not marked completed"),
        ("completed_without_claim", "completed enrolments without a claim"),
        ("claims_without_certificate", "claims (issued on completion) without a certificate"),
        ("claims_with_two_or_more", "claims with two or more certificates"),
        ("pdfs_not_ready", "certificates whose PDF is not ready"),
        ("pdf_files_missing", "certificate PDFs missing from storage"),
    ]
    for key, label in tests:
        if check[key]:
            problems.append(f"{check[key]} {label}")
    if check["completion_rows"] != check["completion_pairs"]:
        problems.append(
            f"{check['completion_rows']} StepCompletion rows for "
            f"{check['completion_pairs']} (enrolment, step) pairs: duplicates"
        )
    if check["certificates"] != check["on_completion_claims"]:
        problems.append(
            f"{check['certificates']} certificates for {check['on_completion_claims']} claims"
        )
    return problems


def print_environment(info, workers):
    print()
    print(
        f"Environment: {info['date']}, nproc={info['nproc']}, load average at start "
        f"{info['load_average_at_start']} (end {info['load_average_at_end']}), "
        f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']} "
        f"({workers} sync workers, production settings), PostgreSQL {info['postgresql']} "
        "on loopback, TASKS_BACKEND=immediate"
    )


def print_measurements(rows):
    """(label, value) rows as a two-column Markdown table."""
    print()
    print("| measurement | figure |")
    print("|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value} |")
