"""Benchmark the signed-in learner's journey: the path page and "mark complete".

Run it with ``.venv/bin/python benchmarks/journey_bench.py`` (``make bench``
runs it after http_bench.py).

Like http_bench.py (with the same harness) it builds a throw-away SQLite
database in var/bench/ (migrate + seed_demo), collects static files and starts
gunicorn (2 workers, production settings) on a free local port. Before the
server starts, a setup step (journey_setup.py) run with the development settings adds:

* a live learning path ``/paths/bench-path/`` with 50 guide steps
  (``LearningPathPageFactory(steps=50)``);
* 20 learners, each enrolled with the first 25 steps completed
  (``learning.journey.services.enrol`` / ``complete_step``), and a database session for
  each (signed with the SECRET_KEY the server gets, so it accepts them) plus a
  CSRF token of our own making;
* for each (learner, step not done yet), the proof the step page's "Mark
  complete" form posts as its ``disclosure`` field
  (``learning.journey.disclosure_proof.proof``: a keyed hash with the same
  SECRET_KEY). Without it the server records nothing and redirects to the step
  page, where the activity's disclosure is shown;
* one more learner like them, used only by the checks before the load.

Then wrk (with wrk_journey.lua, which rotates the learners' cookies) loads:

1. the path page, GET, as the 20 learners in turn (each sees "25 of 50 steps complete");
2. ``POST /paths/bench-path/steps/<guide_id>/complete/`` (answers 302), the CSRF
   token in ``X-CSRFToken`` and the form body ``disclosure=<proof>``, over the
   500 (learner, step) pairs not completed yet: each of the first 500 requests
   writes a new StepCompletion row, any later one repeats a completed step (the
   idempotent path, no write). On a small machine the run ends before all 500;
   a setup step then completes the rest (through the same service);
3. the same POSTs again, now all repeats.

Before loading, single requests check that every session is accepted, the
POST answers 302 with the token and 403 without it, and (as the checks'
learner, on a step not done yet) that the step page's form carries the proof
the bench computed, that a POST without the proof writes no row and is sent
back to the step page, and that the POST with it writes the row and goes on to
the next step. Afterwards the
StepCompletion rows are counted: the new ones and that no (enrolment, guide)
pair is recorded twice.

It prints a Markdown table like http_bench.py and writes var/bench/results-journey.json.
Exit status: 0 when every request answered as expected, 1 when any errored,
answered 4xx/5xx or an unexpected status, or the completions do not add up,
2 when a tool is missing or the setup broke. BENCH_DURATION as in http_bench.py.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import http_bench
from benchmarks.harness import BENCH_DIR, ROOT, BenchError, write_json
from benchmarks.harness.databases import collect_static
from benchmarks.harness.processes import (
    busy_seconds,
    children_cpu,
    dev_env,
    run_child,
)
from benchmarks.harness.server import (
    WARMUP_SECONDS,
    WRK_CONNECTIONS,
    WRK_THREADS,
    ensure_wrk,
    load_with_wrk,
    send,
    start_server,
)
from benchmarks.harness.stats import usable_cpus
from benchmarks.journey_setup import DONE_STEPS, LEARNER_COUNT, PATH_SLUG, STEP_COUNT

RESULTS_PATH = BENCH_DIR / "results-journey.json"
SERVER_LOG = BENCH_DIR / "gunicorn-journey.log"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_journey.lua"
SETUP_SCRIPT = Path(__file__).resolve().parent / "journey_setup.py"
GET_REQUESTS = BENCH_DIR / "journey-get.tsv"
POST_REQUESTS = BENCH_DIR / "journey-post.tsv"

PATH_URL = f"/paths/{PATH_SLUG}/"
PROGRESS_TEXT = f"{DONE_STEPS} of {STEP_COUNT} steps complete"
COMPLETE_URL_PATTERN = f"{PATH_URL}steps/<guide_id>/complete/"
JOURNEY_PREFIX = "JOURNEY_JSON "
# learning.journey.disclosure_proof.FIELD, as step_bar.html writes its input.
DISCLOSURE_FIELD = "disclosure"
DISCLOSURE_INPUT = re.compile(rf'name="{DISCLOSURE_FIELD}" value="([^"]*)"')


class CheckFailed(BenchError):
    """A request answered wrongly before the load started."""


def child(phase, db_url, secret_key):
    """Run a phase of journey_setup.py with the development settings and the
    server's SECRET_KEY."""
    env = dev_env(db_url, debug=False)
    env["SECRET_KEY"] = secret_key
    return run_child(SETUP_SCRIPT, phase, env)


# Requests ------------------------------------------------------------------------


def cookie_header(learner, csrf=False):
    cookie = f"sessionid={learner['sessionid']}"
    return f"{cookie}; csrftoken={learner['csrftoken']}" if csrf else cookie


def complete_url(guide_id):
    return f"{PATH_URL}steps/{guide_id}/complete/"


def write_requests(path, lines):
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines))


def disclosure_body(proof):
    """The "Mark complete" form's body: the step page's proof (hex digits)."""
    return f"{DISCLOSURE_FIELD}={proof}"


def write_request_files(learners):
    """One GET per learner; one POST per (learner, pending step), step by step so
    that requests in flight together belong to different learners."""
    get = [("GET", PATH_URL, cookie_header(x), "-", "-") for x in learners]
    write_requests(GET_REQUESTS, get)
    posts = []
    for index in range(STEP_COUNT - DONE_STEPS):
        for learner in learners:
            url = complete_url(learner["pending"][index])
            # wrk_journey.lua sends the fourth column as the X-CSRFToken header
            # and the fifth as the form body.
            body = disclosure_body(learner["pending_proofs"][index])
            posts.append(
                ("POST", url, cookie_header(learner, csrf=True), learner["csrftoken"], body)
            )
    write_requests(POST_REQUESTS, posts)
    return len(posts)


def check_requests(server, learners, checker, count):
    """Before the load: sessions accepted, the page shows progress, the POST's
    CSRF handling is real (on an already-completed step, so nothing is written),
    and the disclosure proof is asked for and accepted (``check_disclosure``,
    the checks' own learner: one row written, before the counts start)."""
    base = server.base_url
    for learner in learners:
        status, headers, text = send(base, "GET", PATH_URL, {"Cookie": cookie_header(learner)})
        if status != 200:
            where = headers.get("Location", "")
            raise CheckFailed(f"GET {PATH_URL} as {learner['username']}: HTTP {status} {where}")
        if PROGRESS_TEXT not in text:
            raise CheckFailed(
                f"GET {PATH_URL} as {learner['username']} does not show {PROGRESS_TEXT!r} "
                "(not signed in, or not the expected progress)."
            )
    learner = learners[0]
    url = complete_url(learner["done"][0])
    post_headers = {
        "Cookie": cookie_header(learner, csrf=True),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    status, headers, _ = send(base, "POST", url, post_headers, body="")
    if status != 403:
        raise CheckFailed(f"POST {url} without a CSRF token answered {status}, expected 403.")
    status, headers, _ = send(
        base, "POST", url, {**post_headers, "X-CSRFToken": learner["csrftoken"]}, body=""
    )
    location = headers.get("Location", "")
    if status != 302 or "/login/" in location:
        raise CheckFailed(f"POST {url} answered {status} {location}, expected 302 to a step.")
    return {"post_check_location": location, **check_disclosure(base, checker, count)}


def check_disclosure(base, learner, count):
    """On the checks' learner's first pending step: its step page posts the
    proof the setup computed; a POST without it writes nothing and is sent back
    to that page; the POST with it writes the row and goes on to the next step."""
    guide_id, proof = learner["pending"][0], learner["pending_proofs"][0]
    page, next_page = learner["pending_pages"]
    status, headers, text = send(base, "GET", page, {"Cookie": cookie_header(learner)})
    shown = DISCLOSURE_INPUT.search(text)
    if status != 200 or shown is None:
        raise CheckFailed(
            f"GET {page} answered {status} {headers.get('Location', '')}"
            + ("" if shown else f", without the {DISCLOSURE_FIELD!r} input")
            + ": expected the step page with its 'Mark complete' form."
        )
    if shown.group(1) != proof:
        raise CheckFailed(
            f"The step page {page} posts {DISCLOSURE_FIELD}={shown.group(1)!r}, not the proof "
            f"the setup computed ({proof!r}): is the server's SECRET_KEY the setup's?"
        )
    url = complete_url(guide_id)
    post_headers = {
        "Cookie": cookie_header(learner, csrf=True),
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": learner["csrftoken"],
    }
    rows = count()["bench_path_rows"]
    status, headers, _ = send(base, "POST", url, post_headers, body="")
    location = headers.get("Location", "")
    rows_after = count()["bench_path_rows"]
    if status != 302 or not location.endswith(page) or rows_after != rows:
        raise CheckFailed(
            f"POST {url} without the {DISCLOSURE_FIELD!r} proof answered {status} {location} "
            f"and wrote {rows_after - rows} rows: expected a 302 to the step page {page} "
            "and nothing recorded."
        )
    refused_location = location
    status, headers, _ = send(base, "POST", url, post_headers, body=disclosure_body(proof))
    location = headers.get("Location", "")
    rows_after = count()["bench_path_rows"]
    if status != 302 or not location.endswith(next_page) or rows_after != rows + 1:
        raise CheckFailed(
            f"POST {url} with the {DISCLOSURE_FIELD!r} proof answered {status} {location} "
            f"and wrote {rows_after - rows} rows: expected a 302 to the next step "
            f"{next_page} and one row."
        )
    return {
        "post_without_proof_location": refused_location,
        "post_with_proof_location": location,
    }


# Load ----------------------------------------------------------------------------


def run_journey_wrk(server, requests_file, expected, duration, wrk, warmup_file=None):
    """Warm up (with ``warmup_file``'s requests, if any), then load for ``duration`` s."""
    if warmup_file is not None:
        wrk_once(server, warmup_file, 200, WARMUP_SECONDS, wrk)
    cpu_before, busy_before, wrk_before = server.cpu_seconds(), busy_seconds(), children_cpu()
    figures, journey = wrk_once(server, requests_file, expected, duration, wrk)
    cpu_after, busy_after, wrk_after = server.cpu_seconds(), busy_seconds(), children_cpu()
    if cpu_before is not None and cpu_after is not None and figures["requests"]:
        cpu_ms = (cpu_after - cpu_before) * 1000 / figures["requests"]
        figures["server_cpu_ms_per_request"] = round(cpu_ms, 2)
        if busy_before is not None and busy_after is not None:
            server_s, wrk_s = cpu_after - cpu_before, wrk_after - wrk_before
            figures["wrk_cpu_s"] = round(wrk_s, 1)
            figures["other_cpu_s"] = round(busy_after - busy_before - server_s - wrk_s, 1)
    figures.update(journey)
    return figures


def wrk_once(server, requests_file, expected, duration, wrk):
    """wrk with wrk_journey.lua: its figures and its JOURNEY_JSON counts."""
    figures, output = load_with_wrk(
        server.base_url + PATH_URL,
        duration,
        WRK_THREADS,
        WRK_CONNECTIONS,
        wrk=wrk,
        script=WRK_SCRIPT,
        script_args=(requests_file, expected, WRK_THREADS),
    )
    for line in output.splitlines():
        if line.startswith(JOURNEY_PREFIX):
            return figures, json.loads(line.removeprefix(JOURNEY_PREFIX))
    raise BenchError(f"wrk printed no {JOURNEY_PREFIX.strip()} line:\n{output}")


def failed(row):
    """Socket errors plus wrong answers. ``unexpected`` (any status but the expected
    one, or a redirect to the login page) includes wrk's ``non2xx`` (status >= 400)."""
    return row["errors"] + max(row["non2xx"], row["unexpected"])


# Main ----------------------------------------------------------------------------


def run_all(server, learners, checker, db_url, secret_key, duration, wrk):
    """The checks, the three loads; their rows and the completion counts around
    them (from after the checks, which write one row of the checks' learner)."""
    checks = check_requests(server, learners, checker, lambda: child("count", db_url, secret_key))
    pairs = write_request_files(learners)
    counts = {"before": child("count", db_url, secret_key)}
    print(f"Loading {PATH_URL} (GET, signed in) for {duration} s...", flush=True)
    figures = run_journey_wrk(server, GET_REQUESTS, 200, duration, wrk, warmup_file=GET_REQUESTS)
    name = f"path page ({STEP_COUNT} steps, signed-in learner with progress)"
    results = [{"name": name, "path": PATH_URL, **figures}]
    print(f"Loading {COMPLETE_URL_PATTERN} (POST) for {duration} s...", flush=True)
    # Warm up with GETs: POSTs during the warm-up would use up the new pairs.
    figures = run_journey_wrk(server, POST_REQUESTS, 302, duration, wrk, warmup_file=GET_REQUESTS)
    counts["after_first"] = child("count", db_url, secret_key)
    written = counts["after_first"]["bench_path_rows"] - counts["before"]["bench_path_rows"]
    if written < pairs:
        name = f"mark complete (POST, new steps: {written} rows written)"
    else:
        name = (
            f"mark complete (POST: {pairs} new steps, then {figures['requests'] - pairs} repeats)"
        )
    results.append({"name": name, "path": COMPLETE_URL_PATTERN, **figures})
    # Complete what the run did not reach, so the next run only repeats.
    counts["filled"] = child("fill", db_url, secret_key)
    print(f"Loading {COMPLETE_URL_PATTERN} again (POST, all repeats)...", flush=True)
    figures = run_journey_wrk(server, POST_REQUESTS, 302, duration, wrk)
    name = "mark complete again (POST; every step already done, no write)"
    results.append({"name": name, "path": COMPLETE_URL_PATTERN, **figures})
    return checks, pairs, counts, results


def assess(pairs, counts, results, duration):
    """What the completions add up to: (completions, problems, notes)."""
    before, after_first, filled = counts["before"], counts["after_first"], counts["filled"]
    after = counts["after"]
    new_first = after_first["bench_path_rows"] - before["bench_path_rows"]
    new_later = after["bench_path_rows"] - filled["bench_path_rows"]
    completions = {
        "pairs_not_done_before": pairs,
        "rows_before": before,
        "rows_after_first_post_run": after_first,
        "rows_after_fill": filled,
        "rows_after": after,
        "new_in_first_post_run": new_first,
        "new_in_second_post_run": new_later,
    }
    problems = []
    if after["rows"] != after["distinct_pairs"]:
        problems.append(
            f"{after['rows']} StepCompletion rows but only {after['distinct_pairs']} "
            "distinct (enrolment, guide) pairs: duplicates."
        )
    if new_first > pairs or new_first + filled["added"] != pairs or new_later:
        problems.append(
            f"{pairs} steps were not done before the POST runs; the first run wrote "
            f"{new_first}, the fill step {filled['added']} and the second run {new_later}."
        )
    notes = [
        f"mark complete, new steps: {pairs} (learner, step) pairs were not done "
        f"({LEARNER_COUNT} learners x {STEP_COUNT - DONE_STEPS}); wrk counted "
        f"{results[1]['requests']} answered requests and the run wrote {new_first} new "
        "StepCompletion rows (requests still in flight when wrk stops are not counted "
        "but still write)"
        + (
            f", so after the first {pairs} requests the rest repeated done steps."
            if new_first >= pairs
            else f"; the other {filled['added']} were completed before the next run."
        ),
        f"mark complete again: every step already done, so each POST takes the "
        f"idempotent path; it wrote {new_later} rows.",
        f"All StepCompletion rows: {after['rows']}, distinct (enrolment, guide) pairs: "
        f"{after['distinct_pairs']}"
        + (" (no duplicates)." if after["rows"] == after["distinct_pairs"] else "."),
    ]
    cpu = [
        f"{r['server_cpu_ms_per_request']} ms" for r in results if "server_cpu_ms_per_request" in r
    ]
    if len(cpu) == len(results):
        notes.append("Server CPU per request (gunicorn and workers): " + ", ".join(cpu) + ".")
    other = [row.get("other_cpu_s") for row in results]
    if None not in other:
        notes.append(
            "CPU time used by other programs during each run (all CPU time less gunicorn's "
            f"and wrk's; {usable_cpus()} cores x {duration} s available): "
            + ", ".join(f"{value} s" for value in other)
            + "."
        )
    for row in results:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        notes.append(f"{row['name']}: statuses {statuses}.")
    return completions, problems, notes


def main():
    wrk = ensure_wrk()
    secret_key = secrets.token_urlsafe(50)
    try:
        duration = http_bench.bench_duration()
        db_url = http_bench.build_database()
        collect_static(db_url)
        print(
            f"Adding a {STEP_COUNT}-step path and {LEARNER_COUNT} learners "
            f"({DONE_STEPS} steps done each)...",
            flush=True,
        )
        setup = child("setup", db_url, secret_key)
        if setup["path_url"] != PATH_URL:
            raise BenchError(f"The path is at {setup['path_url']}, not {PATH_URL}.")
        server = start_server(db_url, log_path=SERVER_LOG, env={"SECRET_KEY": secret_key})
        try:
            info = http_bench.environment_info(server.workers, duration)
            checks, pairs, counts, results = run_all(
                server, setup["learners"], setup["checker"], db_url, secret_key, duration, wrk
            )
        finally:
            server.stop()
        counts["after"] = child("count", db_url, secret_key)
    except CheckFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2

    completions, problems, notes = assess(pairs, counts, results, duration)
    write_json(
        RESULTS_PATH,
        {"environment": info, "checks": checks, "completions": completions, "results": results},
    )
    print()
    print(http_bench.environment_line(info))
    print()
    http_bench.print_table([{**row, "errors": failed(row), "non2xx": 0} for row in results])
    print()
    for note in notes:
        print(f"- {note}")
    print()
    print(f"Raw results: {RESULTS_PATH.relative_to(ROOT)}")
    failures = [row["name"] for row in results if failed(row)]
    if failures:
        print(
            "FAILED: some requests errored or answered an unexpected status "
            f"({'; '.join(failures)}).",
            file=sys.stderr,
        )
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if failures or problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
