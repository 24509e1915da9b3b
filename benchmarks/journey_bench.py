"""Benchmark the signed-in learner's journey: the path page and "mark complete".

Run it with ``.venv/bin/python benchmarks/journey_bench.py`` (``make bench``
runs it after http_bench.py).

Like http_bench.py (whose functions it reuses) it builds a throw-away SQLite
database in var/bench/ (migrate + seed_demo), collects static files and starts
gunicorn (2 workers, production settings) on a free local port. Before the
server starts, a setup step run with the development settings adds:

* a live learning path ``/paths/bench-path/`` with 50 guide steps
  (``LearningPathPageFactory(steps=50)``);
* 20 learners, each enrolled with the first 25 steps completed
  (``learning.services.enrol`` / ``complete_step``), and a database session for
  each (signed with the SECRET_KEY the server gets, so it accepts them) plus a
  CSRF token of our own making.

Then wrk (with wrk_journey.lua, which rotates the learners' cookies) loads:

1. the path page, GET, as the 20 learners in turn (each sees "25 of 50 steps complete");
2. ``POST /paths/bench-path/steps/<guide_id>/complete/`` (answers 302) over the
   500 (learner, step) pairs not completed yet: each of the first 500 requests
   writes a new StepCompletion row, any later one repeats a completed step (the
   idempotent path, no write). On a small machine the run ends before all 500;
   a setup step then completes the rest (through the same service);
3. the same POSTs again, now all repeats.

Before loading, single requests check that every session is accepted, the
POST answers 302 with the token and 403 without it. Afterwards the
StepCompletion rows are counted: the new ones and that no (enrolment, guide)
pair is recorded twice.

It prints a Markdown table like http_bench.py and writes var/bench/results-journey.json.
Exit status: 0 when every request answered as expected, 1 when any errored,
answered 4xx/5xx or an unexpected status, or the completions do not add up,
2 when a tool is missing or the setup broke. BENCH_DURATION as in http_bench.py.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import secrets
import string
import subprocess
import sys
from pathlib import Path

try:
    from benchmarks import http_bench
except ModuleNotFoundError:  # run as a script: benchmarks/ is on sys.path, the root is not
    import http_bench

ROOT = http_bench.ROOT
BENCH_DIR = http_bench.BENCH_DIR
RESULTS_PATH = BENCH_DIR / "results-journey.json"
SERVER_LOG = BENCH_DIR / "gunicorn-journey.log"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_journey.lua"
GET_REQUESTS = BENCH_DIR / "journey-get.tsv"
POST_REQUESTS = BENCH_DIR / "journey-post.tsv"

PATH_SLUG = "bench-path"
PATH_URL = f"/paths/{PATH_SLUG}/"
STEP_COUNT = 50
LEARNER_COUNT = 20
DONE_STEPS = 25
PROGRESS_TEXT = f"{DONE_STEPS} of {STEP_COUNT} steps complete"
COMPLETE_URL_PATTERN = f"{PATH_URL}steps/<guide_id>/complete/"
CHILD_PREFIX = "JOURNEY_SETUP "
JOURNEY_PREFIX = "JOURNEY_JSON "


class CheckFailed(http_bench.BenchError):
    """A request answered wrongly before the load started."""


# Setup inside Django (run in a child process) ---------------------------------


def csrf_token():
    """A CSRF secret as Django stores it in the cookie: 32 letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def load_urlconf():
    """Import the URLconf, as the first request does in the server: that registers
    Wagtail's admin viewsets, which make the learner records tracked by Wagtail's
    reference index. Records written before it would not be indexed."""
    from django.urls import get_resolver

    return get_resolver().url_patterns


def django_setup():
    """Create the path, the learners, their progress and sessions; print them as JSON.

    Runs in a child process with the development settings and the bench database.
    """
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    load_urlconf()

    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction

    from cms.factories import UserFactory
    from learning import services
    from learning.factories import LearnerProfileFactory, LearningPathPageFactory
    from learning.models import PathStep

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        path = LearningPathPageFactory(title="Benchmark path", slug=PATH_SLUG, steps=STEP_COUNT)
        guide_ids = list(
            PathStep.objects.filter(page=path)
            .order_by("sort_order", "pk")
            .values_list("guide_id", flat=True)
        )
        learners = []
        for number in range(1, LEARNER_COUNT + 1):
            # No usable password: hashing one is slow and nobody logs in with it.
            user = UserFactory(username=f"bench-learner-{number}", password=None)
            user.refresh_from_db()
            LearnerProfileFactory(user=user)
            services.enrol(user, path)
            for guide_id in guide_ids[:DONE_STEPS]:
                services.complete_step(user, path, guide_id)
            session = session_store()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            learners.append(
                {
                    "username": user.username,
                    "sessionid": session.session_key,
                    "csrftoken": csrf_token(),
                    "done": guide_ids[:DONE_STEPS],
                    "pending": guide_ids[DONE_STEPS:],
                }
            )
    print(CHILD_PREFIX + json.dumps({"path_url": path.url, "learners": learners}))


def completion_counts():
    from learning.models import StepCompletion

    rows = StepCompletion.objects.all()
    return {
        "rows": rows.count(),
        "distinct_pairs": rows.values("enrolment_id", "guide_id").distinct().count(),
        "bench_path_rows": rows.filter(enrolment__path__slug=PATH_SLUG).count(),
    }


def django_count():
    """Print StepCompletion counts as JSON (child process)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    print(CHILD_PREFIX + json.dumps(completion_counts()))


def django_fill():
    """Complete every bench learner's remaining steps, so that later POSTs only
    repeat done steps; print how many were added and the counts (child process)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    load_urlconf()

    from django.contrib.auth import get_user_model

    from learning import services
    from learning.models import LearningPathPage, PathStep

    path = LearningPathPage.objects.get(slug=PATH_SLUG)
    guide_ids = PathStep.objects.filter(page=path).values_list("guide_id", flat=True)
    added = 0
    for user in get_user_model().objects.filter(username__startswith="bench-learner-"):
        for guide_id in guide_ids:
            added += services.complete_step(user, path, guide_id)[1]
    print(CHILD_PREFIX + json.dumps({"added": added, **completion_counts()}))


def run_child(task, db_url, secret_key):
    """Run ``django_<task>`` in a child process with the development settings."""
    env = http_bench.base_env(db_url)
    env.update(DJANGO_SETTINGS_MODULE="curbside.settings.dev", SECRET_KEY=secret_key)
    env.pop("DJANGO_DEBUG", None)
    command = [sys.executable, "-m", "benchmarks.journey_bench", f"--django-{task}"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise http_bench.BenchError(
            f"the {task} step failed with exit status {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    for line in result.stdout.splitlines():
        if line.startswith(CHILD_PREFIX):
            return json.loads(line.removeprefix(CHILD_PREFIX))
    raise http_bench.BenchError(f"the {task} step printed no result:\n{result.stdout}")


# Requests ------------------------------------------------------------------------


def cookie_header(learner, csrf=False):
    cookie = f"sessionid={learner['sessionid']}"
    return f"{cookie}; csrftoken={learner['csrftoken']}" if csrf else cookie


def complete_url(guide_id):
    return f"{PATH_URL}steps/{guide_id}/complete/"


def write_requests(path, lines):
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines))


def write_request_files(learners):
    """One GET per learner; one POST per (learner, pending step), step by step so
    that requests in flight together belong to different learners."""
    write_requests(GET_REQUESTS, [("GET", PATH_URL, cookie_header(x), "-") for x in learners])
    posts = []
    for index in range(STEP_COUNT - DONE_STEPS):
        for learner in learners:
            url = complete_url(learner["pending"][index])
            # wrk_journey.lua sends the last column as the X-CSRFToken header.
            posts.append(("POST", url, cookie_header(learner, csrf=True), learner["csrftoken"]))
    write_requests(POST_REQUESTS, posts)
    return len(posts)


def send(base_url, method, path, headers=None, body=None):
    """One request without following redirects: (status, headers, body text)."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, dict(response.getheaders()), text
    finally:
        conn.close()


def check_requests(server, learners):
    """Before the load: sessions accepted, the page shows progress, the POST's
    CSRF handling is real. Uses already-completed steps, so nothing is written."""
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
    return {"post_check_location": location}


# Load ----------------------------------------------------------------------------


def run_journey_wrk(server, requests_file, expected, duration, wrk, warmup_file=None):
    """Warm up (with ``warmup_file``'s requests, if any), then load for ``duration`` s."""
    if warmup_file is not None:
        wrk_once(server, warmup_file, 200, http_bench.WARMUP_SECONDS, wrk)
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


def busy_seconds():
    """CPU seconds the whole machine spent busy so far (Linux /proc/stat, else None).

    Less the server's and wrk's share, it tells whether other programs competed."""
    try:
        with open("/proc/stat") as stat_file:
            fields = stat_file.readline().split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    """CPU seconds used by the child processes this script has waited for (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk_once(server, requests_file, expected, duration, wrk):
    threads = http_bench.WRK_THREADS
    command = [
        wrk,
        f"-t{threads}",
        f"-c{http_bench.WRK_CONNECTIONS}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(WRK_SCRIPT),
        server.base_url + PATH_URL,
        "--",
        str(requests_file),
        str(expected),
        str(threads),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise http_bench.BenchError(f"wrk failed:\n{result.stdout}{result.stderr}")
    figures = http_bench.parse_wrk_output(result.stdout)
    seconds = figures["duration_us"] / 1_000_000
    figures["rps"] = figures["requests"] / seconds if seconds else 0.0
    for line in result.stdout.splitlines():
        if line.startswith(JOURNEY_PREFIX):
            return figures, json.loads(line.removeprefix(JOURNEY_PREFIX))
    raise http_bench.BenchError(f"wrk printed no {JOURNEY_PREFIX.strip()} line:\n{result.stdout}")


def failed(row):
    """Socket errors plus wrong answers. ``unexpected`` (any status but the expected
    one, or a redirect to the login page) includes wrk's ``non2xx`` (status >= 400)."""
    return row["errors"] + max(row["non2xx"], row["unexpected"])


# Main ----------------------------------------------------------------------------


def main():
    wrk = http_bench.ensure_wrk()
    secret_key = secrets.token_urlsafe(50)
    notes = []
    try:
        duration = http_bench.bench_duration()
        db_url = http_bench.build_database()
        http_bench.collect_static(db_url)
        print(
            f"Adding a {STEP_COUNT}-step path and {LEARNER_COUNT} learners "
            f"({DONE_STEPS} steps done each)...",
            flush=True,
        )
        setup = run_child("setup", db_url, secret_key)
        learners = setup["learners"]
        if setup["path_url"] != PATH_URL:
            raise http_bench.BenchError(f"The path is at {setup['path_url']}, not {PATH_URL}.")
        pairs = write_request_files(learners)
        before = run_child("count", db_url, secret_key)
        server = http_bench.start_server(
            db_url, log_path=SERVER_LOG, env={"SECRET_KEY": secret_key}
        )
        try:
            info = http_bench.environment_info(server.workers, duration)
            checks = check_requests(server, learners)
            results = []
            print(f"Loading {PATH_URL} (GET, signed in) for {duration} s...", flush=True)
            figures = run_journey_wrk(
                server, GET_REQUESTS, 200, duration, wrk, warmup_file=GET_REQUESTS
            )
            results.append(
                {
                    "name": f"path page ({STEP_COUNT} steps, signed-in learner with progress)",
                    "path": PATH_URL,
                    **figures,
                }
            )
            print(f"Loading {COMPLETE_URL_PATTERN} (POST) for {duration} s...", flush=True)
            # Warm up with GETs: POSTs during the warm-up would use up the new pairs.
            figures = run_journey_wrk(
                server, POST_REQUESTS, 302, duration, wrk, warmup_file=GET_REQUESTS
            )
            after_first = run_child("count", db_url, secret_key)
            written = after_first["bench_path_rows"] - before["bench_path_rows"]
            results.append(
                {
                    "name": (
                        f"mark complete (POST, new steps: {written} rows written)"
                        if written < pairs
                        else (
                            f"mark complete (POST: {pairs} new steps, "
                            f"then {figures['requests'] - pairs} repeats)"
                        )
                    ),
                    "path": COMPLETE_URL_PATTERN,
                    **figures,
                }
            )
            # Complete what the run did not reach, so the next run only repeats.
            filled = run_child("fill", db_url, secret_key)
            print(f"Loading {COMPLETE_URL_PATTERN} again (POST, all repeats)...", flush=True)
            figures = run_journey_wrk(server, POST_REQUESTS, 302, duration, wrk)
            results.append(
                {
                    "name": "mark complete again (POST; every step already done, no write)",
                    "path": COMPLETE_URL_PATTERN,
                    **figures,
                }
            )
        finally:
            server.stop()
        after = run_child("count", db_url, secret_key)
    except CheckFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except http_bench.BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2

    new_first = after_first["bench_path_rows"] - before["bench_path_rows"]
    new_later = after["bench_path_rows"] - filled["bench_path_rows"]
    first_run = results[1]
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
    notes.append(
        f"mark complete, new steps: {pairs} (learner, step) pairs were not done "
        f"({LEARNER_COUNT} learners x {STEP_COUNT - DONE_STEPS}); wrk counted "
        f"{first_run['requests']} answered requests and the run wrote {new_first} new "
        "StepCompletion rows (requests still in flight when wrk stops are not counted "
        "but still write)"
        + (
            f", so after the first {pairs} requests the rest repeated done steps."
            if new_first >= pairs
            else f"; the other {filled['added']} were completed before the next run."
        )
    )
    notes.append(
        f"mark complete again: every step already done, so each POST takes the "
        f"idempotent path; it wrote {new_later} rows."
    )
    notes.append(
        f"All StepCompletion rows: {after['rows']}, distinct (enrolment, guide) pairs: "
        f"{after['distinct_pairs']}"
        + (" (no duplicates)." if after["rows"] == after["distinct_pairs"] else ".")
    )
    cpu = [
        f"{row['server_cpu_ms_per_request']} ms"
        for row in results
        if "server_cpu_ms_per_request" in row
    ]
    if len(cpu) == len(results):
        notes.append("Server CPU per request (gunicorn and workers): " + ", ".join(cpu) + ".")
    other = [row.get("other_cpu_s") for row in results]
    if None not in other:
        notes.append(
            "CPU time used by other programs during each run (all CPU time less gunicorn's "
            f"and wrk's; {http_bench.usable_cpus()} cores x {duration} s available): "
            + ", ".join(f"{value} s" for value in other)
            + "."
        )
    for row in results:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        notes.append(f"{row['name']}: statuses {statuses}.")

    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(
        json.dumps(
            {
                "environment": info,
                "checks": checks,
                "completions": completions,
                "results": results,
            },
            indent=2,
        )
        + "\n"
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
    if len(sys.argv) == 2 and sys.argv[1] == "--django-setup":
        django_setup()
    elif len(sys.argv) == 2 and sys.argv[1] == "--django-count":
        django_count()
    elif len(sys.argv) == 2 and sys.argv[1] == "--django-fill":
        django_fill()
    else:
        raise SystemExit(main())
