"""Load test: simulated learners completing steps and claiming credit at once.

    .venv/bin/python benchmarks/load_test.py

Issue "production", item 7. Loopback only, bounded in time and requests.

Setup (about a minute):

* PostgreSQL: a throw-away cluster (initdb + pg_ctl, as the ``postgres`` OS
  user when run as root, like .ci/run, and like it with fsync off) in a
  temporary folder on 127.0.0.1:54341 (LOAD_PG_PORT), stopped and deleted at exit. With
  LOAD_DATABASE_URL (a loopback PostgreSQL URL whose database name contains
  "load") that database is dropped and re-created instead.
* migrate + ``seed_demo`` (development settings, DEBUG on: seed_demo refuses
  to run without it), then ``collectstatic`` as in production (skipped when
  static/staticfiles.json is newer than every source; LOAD_COLLECTSTATIC=always).
* LOAD_LEARNERS (200) learner users with a LearnerProfile (a full name, so
  certificates can print), and a database session for each, written directly
  with the SessionStore and signed with the server's SECRET_KEY. Nobody logs in
  through /accounts/login/: it is rate limited per client address, and every
  simulated learner comes from 127.0.0.1.
* The paths: every live, credit-bearing demo path issued on completion with no
  prerequisites (5 paths of 4 or 5 steps). The correct post-test answers are
  read from each path (``learning.questions``) and handed to the learners.
* Learners start at different points of their first path (learner i: path
  i mod 5; new, half the steps done, every step done, or post-test passed, in
  turn; written through ``learning.services``), so that claims run alongside
  completions from the start instead of only after each learner's first
  dozen requests. Those setup rows are left out of the comparison below.

Server: gunicorn, production settings (plain-HTTP switches off as in
``http_bench.production_env``), LOAD_WORKERS (4) sync workers on 2 cores,
DATABASE_CONN_MAX_AGE as default (60 s, with health checks),
TASKS_BACKEND=immediate: a claim on a path issued on completion creates the
certificate in the claim's transaction and renders its PDF in the same request
once that commits (about 70 ms), as the embedded deployment does. Nothing else
then has to run for "every certificate's PDF is ready" to be checked.

Load: LOAD_LEARNERS threads, one per learner, each with its own cookies
(sessionid, the csrftoken cookie the first page sets, messages) and its own
http.client connection (sync gunicorn workers close it after every response;
http.client reopens it). No think time. Each learner, path after path (learner
i starts at path i mod 5): GET the path page (receives the CSRF cookie), POST
enrol/, POST steps/<guide_id>/complete/ for every step in order, POST test/
with the correct answers, POST evaluation/, POST claim/ with the path's
maximum credits and the attestation. POSTs are form posts with
``csrfmiddlewaretoken``, as the HTML forms send them. Every response is
recorded: kind, learner, path, step, status, latency, and whether it was the
expected answer (302 to the next step for "mark complete", a 302 back to the
path page means the service refused it). Requests stop at LOAD_DURATION (60)
seconds or after LOAD_MAX_REQUESTS (100000); requests in flight then finish.

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

``benchmarks/db_restart_fault.py`` reuses this module with a PostgreSQL restart.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import glob
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

try:
    from benchmarks import http_bench
except ModuleNotFoundError:  # run as a script: benchmarks/ is on sys.path, the root is not
    import http_bench

ROOT = http_bench.ROOT
BENCH_DIR = http_bench.BENCH_DIR
RESULTS_PATH = BENCH_DIR / "load.json"
SERVER_LOG = BENCH_DIR / "gunicorn-load.log"
MEDIA = BENCH_DIR / "load-media"
PG_OS_USER = "postgres"
DB_NAME = "curbside_load"
USER_PREFIX = "load-"
CHILD_PREFIX = "LOAD_CHILD "
REQUEST_TIMEOUT = 30
KINDS = ["path page", "enrol", "complete", "post-test", "evaluation", "claim"]


def env_number(name, default, kind=int):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise http_bench.BenchError(f"{name} must be a positive number, not {raw!r}.")
    return value


# PostgreSQL -----------------------------------------------------------------------


def postgres_bin_dir():
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster this script started (and may restart)."""

    bin_dir: Path
    data: Path
    port: int
    as_user: list = field(default_factory=list)

    @property
    def version(self):
        return self.bin_dir.parent.name

    def url(self, dbname=DB_NAME):
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def pg_ctl(self, *args, check=True):
        command = [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args]
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise http_bench.BenchError(f"pg_ctl {' '.join(args)} failed:\n{result.stderr}")
        return result

    def start(self):
        # fsync off, as in .ci/run: a throw-away cluster; a fast stop is still clean.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} "
            "-c fsync=off -c full_page_writes=off"
        )
        self.pg_ctl("-l", str(self.data / "server.log"), "-w", "-o", options, "start")

    def stop(self, mode="fast", check=True):
        self.pg_ctl("-m", mode, "-w", "stop", check=check)

    def log_tail(self, lines=20):
        try:
            text = (self.data / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def throwaway_postgres(port):
    """Start a cluster on 127.0.0.1:``port`` in a temporary folder (as the
    ``postgres`` OS user when root); stop it and delete the folder at exit."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise http_bench.BenchError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            "apt-get install postgresql, or set LOAD_DATABASE_URL."
        )
    as_user = ["runuser", "-u", PG_OS_USER, "--"] if os.geteuid() == 0 else []
    with contextlib.closing(socket.socket()) as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise http_bench.BenchError(f"Port {port} is in use: set LOAD_PG_PORT.")
    data = Path(tempfile.mkdtemp(prefix="curbside-load-pg."))
    if as_user:
        shutil.chown(data, PG_OS_USER)
    cluster = Cluster(bin_dir, data, port, as_user)
    started = False
    try:
        print(f"Starting a throw-away PostgreSQL ({cluster.version}) on port {port}...", flush=True)
        result = subprocess.run(
            [
                *as_user,
                str(bin_dir / "initdb"),
                *("-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
                "--locale=C.UTF-8",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise http_bench.BenchError(f"initdb failed:\n{result.stderr}")
        cluster.start()
        started = True
        create_database(cluster.url(), drop=False)
        yield cluster
    finally:
        if started:
            cluster.stop(check=False)
        shutil.rmtree(data, ignore_errors=True)


def check_database_url(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise http_bench.BenchError("LOAD_DATABASE_URL must be a PostgreSQL URL.")
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise http_bench.BenchError("LOAD_DATABASE_URL must be on loopback.")
    name = parts.path.lstrip("/")
    if "load" not in name:
        raise http_bench.BenchError(
            f"Refusing to drop {name!r}: the database name must contain 'load'."
        )
    return parts, name


def create_database(url, drop=True):
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextlib.contextmanager
def database(port):
    """Yield (DATABASE_URL, Cluster or None)."""
    given = os.environ.get("LOAD_DATABASE_URL", "").strip()
    if given:
        check_database_url(given)
        create_database(given)
        yield given, None
        return
    with throwaway_postgres(port) as cluster:
        yield cluster.url(), cluster


# Setup ------------------------------------------------------------------------------


def app_env(db_url, secret_key, media=MEDIA):
    """Production settings for the server and the child steps (same SECRET_KEY,
    so the sessions written by the setup step are accepted)."""
    env = http_bench.production_env(db_url)
    env.update(
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(media),
        TASKS_BACKEND="immediate",
    )
    env.pop("ELASTICSEARCH_URL", None)
    return env


def build(db_url, secret_key, media=MEDIA):
    if media.exists():
        shutil.rmtree(media)
    env = http_bench.base_env(db_url)
    env.update(
        DJANGO_SETTINGS_MODULE="curbside.settings.dev", DJANGO_DEBUG="true", MEDIA_ROOT=str(media)
    )
    env.pop("ELASTICSEARCH_URL", None)
    steps = [(["migrate", "--noinput"], env), (["seed_demo"], env)]
    if static_files_stale():
        steps.append((["collectstatic", "--noinput"], app_env(db_url, secret_key, media)))
    else:
        print("collectstatic skipped: static/staticfiles.json is newer than every source")
    for args, step_env in steps:
        started = time.monotonic()
        print(f"manage.py {args[0]}...", end=" ", flush=True)
        http_bench.manage(args, step_env)
        print(f"{time.monotonic() - started:.0f} s", flush=True)


def static_files_stale():
    """Does ``collectstatic`` need to run? (About 30 s on a busy 2-core machine.)
    Yes unless static/staticfiles.json (the production manifest) is newer than
    every file in the project's static folders and than the installed packages;
    LOAD_COLLECTSTATIC=always forces it."""
    manifest = ROOT / "static" / "staticfiles.json"
    if os.environ.get("LOAD_COLLECTSTATIC", "") == "always" or not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    packages = glob.glob(str(ROOT / ".venv" / "lib" / "python*" / "site-packages"))
    sources = [Path(p) for p in packages]
    for folder in ROOT.glob("*/static"):
        if folder != ROOT / "static":
            sources += [p for p in folder.rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


def run_child(phase, env, *args):
    command = [sys.executable, "-m", "benchmarks.load_test", "--phase", phase, *map(str, args)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise http_bench.BenchError(
            f"the {phase} step failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    for line in result.stdout.splitlines():
        if line.startswith(CHILD_PREFIX):
            return json.loads(line.removeprefix(CHILD_PREFIX))
    raise http_bench.BenchError(f"the {phase} step printed no result:\n{result.stdout}")


def _django():
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    # As the server's first request does: registers Wagtail's admin viewsets.
    from django.urls import get_resolver

    return get_resolver().url_patterns


def _form_answers(path):
    """The post-test's correct answers and a valid evaluation, as form fields."""
    from learning.forms.journey import FIELD_PREFIX
    from learning.questions import evaluation_questions, post_test_questions

    test = [
        [FIELD_PREFIX + q.id, str(index)] for q in post_test_questions(path) for index in q.correct
    ]
    evaluation = []
    for q in evaluation_questions(path):
        if q.kind == "rating":
            evaluation.append([FIELD_PREFIX + q.id, "5"])
        elif q.kind == "text":
            evaluation.append([FIELD_PREFIX + q.id, "Clear and practical (load test)."])
        else:
            evaluation += [[FIELD_PREFIX + q.id, "already"], [FIELD_PREFIX + q.id + "-how", ""]]
    return test, evaluation


def phase_setup(count):
    """Paths (with the answers), learners, profiles and sessions (child process)."""
    _django()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.db import transaction

    from cms.credits import format_credits
    from learning.models import CertificatePolicy, LearnerProfile, LearningPathPage, PathStep

    paths, pages = [], []
    candidates = (
        LearningPathPage.objects.live()
        .filter(max_credits__gt=0, certificate_policy=CertificatePolicy.ON_COMPLETION)
        .order_by("pk")
    )
    for path in candidates:
        if path.is_terminated() or path.prerequisites.exists():
            continue
        test, evaluation = _form_answers(path)
        guides = list(
            PathStep.objects.filter(page=path)
            .order_by("sort_order", "pk")
            .values_list("guide_id", flat=True)
        )
        pages.append(path)
        paths.append(
            {
                "slug": path.slug,
                "url": path.url,
                "guides": guides,
                "test": test,
                "evaluation": evaluation,
                "credits": format_credits(path.max_credits),
            }
        )
    if not paths:
        raise SystemExit("No live credit-bearing path issued on completion.")
    User = get_user_model()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]
    learners = []
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{USER_PREFIX}{i:05d}",
                    email=f"{USER_PREFIX}{i:05d}@example.org",
                    first_name="Load",
                    last_name=f"Learner {i}",
                    password="!",  # noqa: S106 (unusable: nobody logs in with it)
                )
                for i in range(count)
            ]
        )
        LearnerProfile.objects.bulk_create(
            [
                LearnerProfile(user=u, full_name=f"Load Learner {i:05d}", credentials="MD")
                for i, u in enumerate(users)
            ]
        )
        for user in users:
            session = store()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            learners.append({"username": user.username, "sessionid": session.session_key})
    for index, (user, account) in enumerate(zip(users, learners, strict=True)):
        account["start"] = start_progress(user, index, pages, paths)
    return {"paths": paths, "learners": learners}


START_STAGES = ["new", "half the steps done", "every step done", "post-test passed"]


def start_progress(user, index, pages, paths):
    """Learners are at different points of their first path when the load
    starts (learner i: path i mod n, stage (i div n) mod 4), so that enrolments,
    completions, post-tests, evaluations and claims all run at once from the
    first second, rather than claims only after every learner's first
    dozen requests. Written through learning.services, as the views do."""
    from learning import services
    from learning.questions import post_test_questions

    first = index % len(pages)
    path, data = pages[first], paths[first]
    stage = (index // len(pages)) % len(START_STAGES)
    start = {"slug": path.slug, "stage": START_STAGES[stage], "done": [], "passed": False}
    if stage == 0:
        return start
    services.enrol(user, path)
    guides = data["guides"] if stage >= 2 else data["guides"][: len(data["guides"]) // 2]
    for guide_id in guides:
        services.complete_step(user, path, guide_id)
    start["done"] = list(guides)
    if stage >= 3:
        answers = {q.id: q.correct for q in post_test_questions(path)}
        start["passed"] = services.submit_attempt(user, path, answers).passed
    return start


def phase_check():
    """What the learners' requests left in the database (child process)."""
    _django()
    from django.db import connection
    from django.db.models import Count

    from learning.models import (
        Certificate,
        CertificatePolicy,
        CreditClaim,
        Enrolment,
        EvaluationResponse,
        PathStep,
        PdfStatus,
        StepCompletion,
        TestAttempt,
    )

    mine = {"enrolment__user__username__startswith": USER_PREFIX}
    completions = StepCompletion.objects.filter(**mine)
    rows = [
        [u, s, g, t.timestamp()]
        for u, s, g, t in completions.values_list(
            "enrolment__user__username", "enrolment__path__slug", "guide_id", "completed_at"
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM learning_stepcompletion c "
            "LEFT JOIN learning_enrolment e ON e.id = c.enrolment_id WHERE e.id IS NULL"
        )
        orphan_completions = cursor.fetchone()[0]
    enrolments = Enrolment.objects.filter(user__username__startswith=USER_PREFIX)
    claims = CreditClaim.objects.filter(**mine)
    on_completion = claims.filter(
        enrolment__path__certificate_policy=CertificatePolicy.ON_COMPLETION
    )
    certificates = Certificate.objects.filter(claim__in=claims)
    missing_files = sum(
        1 for c in certificates.exclude(pdf="").only("pdf") if not c.pdf.storage.exists(c.pdf.name)
    )
    step_counts = dict(
        PathStep.objects.values("page_id").annotate(n=Count("id")).values_list("page_id", "n")
    )
    done = dict(
        enrolments.annotate(n=Count("completions")).values_list("pk", "n"),
    )
    passed = TestAttempt.objects.filter(passed=True, **mine)
    passed_early = sum(
        1
        for enrolment_id, path_id in passed.values_list("enrolment_id", "enrolment__path_id")
        if done.get(enrolment_id, 0) < step_counts.get(path_id, 0)
    )
    return {
        "completions": rows,
        "completion_rows": len(rows),
        "completion_pairs": completions.values("enrolment_id", "guide_id").distinct().count(),
        "orphan_completions": orphan_completions,
        "enrolments": enrolments.count(),
        "enrolment_pairs": [
            list(p) for p in enrolments.values_list("user__username", "path__slug")
        ],
        "passed_attempts": passed.count(),
        "enrolments_passed_twice": passed.values("enrolment_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "passed_before_all_steps": passed_early,
        "evaluations": EvaluationResponse.objects.filter(**mine).count(),
        "evaluations_without_pass": EvaluationResponse.objects.filter(**mine)
        .exclude(enrolment__attempts__passed=True)
        .count(),
        "claims": [
            [u, s, t.timestamp()]
            for u, s, t in claims.values_list(
                "enrolment__user__username", "enrolment__path__slug", "claimed_at"
            )
        ],
        "claims_without_evaluation": claims.filter(enrolment__evaluation_response=None).count(),
        "claims_not_completed": claims.filter(enrolment__completed_at=None).count(),
        "completed_without_claim": enrolments.filter(
            completed_at__isnull=False, credit_claim=None
        ).count(),
        "on_completion_claims": on_completion.count(),
        "claims_without_certificate": on_completion.filter(certificates=None).count(),
        "claims_with_two_or_more": on_completion.annotate(n=Count("certificates"))
        .filter(n__gt=1)
        .count(),
        "certificates": certificates.count(),
        "pdfs_ready": certificates.filter(pdf_status=PdfStatus.READY).count(),
        "pdfs_not_ready": certificates.exclude(pdf_status=PdfStatus.READY).count(),
        "pdf_files_missing": missing_files,
    }


def phase_recover():
    """The documented recovery (learning.certificates.recovery.recover): queue
    issuance and PDF rendering for whatever is missing; with the immediate
    backend they run here and now."""
    _django()
    from learning.certificates.recovery import recover

    return recover()


# Load ------------------------------------------------------------------------------


class Stop(Exception):
    """The deadline or the request cap was reached."""


@dataclass
class Run:
    base_url: str
    duration: float
    max_requests: int
    retry_failures: bool = False  # retry a 5xx or connection error after RETRY_PAUSE
    retry_pause: float = 1.0
    started: float = 0.0
    wall_seconds: float = 0.0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    records: list = field(default_factory=list)

    def start(self):
        self.started = time.monotonic()

    @property
    def deadline(self):
        return self.started + self.duration

    def claim_request(self):
        with self.lock:
            if time.monotonic() >= self.deadline or self.requests >= self.max_requests:
                raise Stop
            self.requests += 1

    def elapsed(self):
        return time.monotonic() - self.started


def parse_set_cookie(value):
    """(name, value, deleted) from one Set-Cookie header."""
    first, *attributes = value.split(";")
    name, _, cookie = first.strip().partition("=")
    deleted = cookie in {"", '""'}
    for attribute in attributes:
        key, _, val = attribute.strip().partition("=")
        if key.lower() == "max-age" and val.strip() == "0":
            deleted = True
        if key.lower() == "expires" and "1970" in val:
            deleted = True
    return name, cookie, deleted


class Learner:
    def __init__(self, index, account, paths, run):
        self.index = index
        self.username = account["username"]
        self.cookies = {"sessionid": account["sessionid"]}
        self.start = account.get("start") or {"slug": None}
        self.csrf_from_server = None
        # Learner i starts at path i mod n, so every path is busy at once.
        self.paths = paths[index % len(paths) :] + paths[: index % len(paths)]
        self.run = run
        host, port = run.base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
        self.paths_done = 0

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(self, method, url, form=None):
        headers = {"Cookie": self.cookie_header()}
        body = None
        if form is not None:
            token = self.cookies.get("csrftoken", "")
            body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *form])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, url, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for value in response.msg.get_all("Set-Cookie") or []:
            name, cookie, deleted = parse_set_cookie(value)
            if deleted:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie
        if response.will_close:
            self.conn.close()
        return response.status, response.getheader("Location", ""), response, text

    def call(self, kind, method, url, expect, path, form=None, guide=None):
        """Send until answered (retrying failures when the run says so); record
        every attempt. True when the answer is the expected one."""
        attempt = 0
        while True:
            attempt += 1
            self.run.claim_request()
            wall = time.time()
            begun = time.monotonic()
            error = ""
            status, location, retry_after, body = 0, "", "", ""
            try:
                status, location, response, body = self.send(method, url, form)
                retry_after = response.getheader("Retry-After", "") or ""
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                self.conn.close()
            ended = time.monotonic()
            ok = not error and expect(status, location, body)
            self.run.records.append(
                {
                    "t": round(begun - self.run.started, 3),
                    "end": round(ended - self.run.started, 3),
                    "wall_end": time.time(),
                    "wall": wall,
                    "kind": kind,
                    "learner": self.username,
                    "path": path["slug"],
                    "guide": guide,
                    "status": status,
                    "error": error,
                    "ms": round((ended - begun) * 1000, 1),
                    "ok": ok,
                    "location": location if not ok else "",
                    "retry_after": retry_after,
                    "attempt": attempt,
                }
            )
            if ok:
                return True
            failed = error or status >= 500
            if not (failed and self.run.retry_failures):
                return False
            time.sleep(self.run.retry_pause)

    def journey(self, path):
        url = path["url"]

        def redirect_to(suffix):
            return lambda status, location, body: status == 302 and location.endswith(suffix)

        def step_done(status, location, body):
            # Success: the next guide (…?path=<slug>) or the post-test. A refusal
            # (JourneyError) redirects back to the path page with a message.
            return status == 302 and ("?path=" in location or location.endswith("test/"))

        if not self.call("path page", "GET", url, lambda s, loc, b: s == 200, path):
            return False
        if "csrftoken" not in self.cookies:
            # The page did not set the cookie: Django accepts one the client made.
            self.cookies["csrftoken"] = secrets.token_hex(16)
            self.csrf_from_server = False
        elif self.csrf_from_server is None:
            self.csrf_from_server = True
        if not self.call("enrol", "POST", url + "enrol/", redirect_to("continue/"), path, form=[]):
            return False
        start = self.start if self.start["slug"] == path["slug"] else {}
        for guide in path["guides"]:
            if guide in start.get("done", ()):
                continue
            step_url = f"{url}steps/{guide}/complete/"
            if not self.call("complete", "POST", step_url, step_done, path, form=[], guide=guide):
                return False
        passed = lambda s, loc, b: s == 200 and "You passed" in b  # noqa: E731
        if not start.get("passed") and not self.call(
            "post-test", "POST", url + "test/", passed, path, form=path["test"]
        ):
            return False
        evaluation = path["evaluation"]
        if not self.call(
            "evaluation", "POST", url + "evaluation/", redirect_to("claim/"), path, form=evaluation
        ):
            return False
        form = [("credits", path["credits"]), ("attested", "on")]
        back_to_path = lambda s, loc, b: s == 302 and loc == url  # noqa: E731
        return self.call("claim", "POST", url + "claim/", back_to_path, path, form=form)

    def __call__(self):
        try:
            for path in self.paths:
                if self.journey(path):
                    self.paths_done += 1
        except Stop:
            pass
        finally:
            self.conn.close()


def run_learners(run, accounts, paths):
    learners = [Learner(i, account, paths, run) for i, account in enumerate(accounts)]
    threads = [threading.Thread(target=learner, daemon=True) for learner in learners]
    run.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Requests stop at the deadline; one in flight ends within REQUEST_TIMEOUT.
        thread.join(timeout=max(0.0, run.deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
    run.wall_seconds = run.elapsed()
    return learners


# Analysis ---------------------------------------------------------------------------


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


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


def fmt(value, digits=0):
    return "-" if value is None else f"{value:.{digits}f}"


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


def environment(workers, learners, duration, load_start, pg_version):
    import django

    import gunicorn

    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": http_bench.usable_cpus(),
        "python": platform.python_version(),
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
    import resource

    try:
        from benchmarks.journey_bench import busy_seconds
    except ModuleNotFoundError:
        from journey_bench import busy_seconds

    postgres = None
    if cluster is not None:
        try:
            pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
            postgres = http_bench.process_tree_cpu_seconds(pid)
        except (OSError, ValueError, IndexError):
            postgres = None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "gunicorn": server.cpu_seconds(),
        "postgresql": postgres,
        "client": usage.ru_utime + usage.ru_stime,
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


def load_averages():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def pg_version(db_url):
    import psycopg

    with psycopg.connect(db_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def main():
    learners_count = env_number("LOAD_LEARNERS", 200)
    duration = env_number("LOAD_DURATION", 60, float)
    max_requests = env_number("LOAD_MAX_REQUESTS", 100_000)
    workers = env_number("LOAD_WORKERS", 4)
    port = env_number("LOAD_PG_PORT", 54341)
    load_start = load_averages()
    print(f"Load average at start: {load_start}", flush=True)
    secret_key = secrets.token_urlsafe(50)
    try:
        with database(port) as (db_url, cluster):
            build(db_url, secret_key)
            env = app_env(db_url, secret_key)
            print(f"Adding {learners_count} learners and their sessions...", flush=True)
            setup = run_child("setup", env, learners_count)
            paths = setup["paths"]
            print(
                "Paths: " + ", ".join(f"{p['slug']} ({len(p['guides'])} steps)" for p in paths),
                flush=True,
            )
            server = http_bench.start_server(db_url, workers=workers, log_path=SERVER_LOG, env=env)
            info = environment(workers, learners_count, duration, load_start, pg_version(db_url))
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
            check = run_child("check", env)
    except http_bench.BenchError as exc:
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
    print()
    print(
        f"Environment: {info['date']}, nproc={info['nproc']}, load average at start "
        f"{load_start} (end {info['load_average_at_end']}), Python {info['python']}, "
        f"Django {info['django']}, gunicorn {info['gunicorn']} ({workers} sync workers, "
        f"production settings), PostgreSQL {info['postgresql']} on loopback, "
        "TASKS_BACKEND=immediate"
    )
    print()
    print("| measurement | figure |")
    print("|---|---:|")
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
            f"({http_bench.usable_cpus()} cores x {seconds:.0f} s)",
            " / ".join(fmt(cpu.get(k), 1) for k in ("gunicorn", "postgresql", "client", "other")),
        ),
        ("gunicorn CPU per request", f"{fmt(summary['server_cpu_ms_per_request'], 1)} ms"),
        ("errors in the server log", len(server_errors)),
    ]
    for label, value in table:
        print(f"| {label} | {value} |")
    print()
    print_kinds(rows)
    print()
    print(
        "Latency is measured by the client: with 200 learners and no think time it is mostly "
        "the wait for a free worker; 'server' columns are the request log's own durations."
    )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(
        json.dumps(
            {
                "environment": info,
                "summary": summary,
                "kinds": rows,
                "comparison": comparison,
                "database": {
                    k: v
                    for k, v in check.items()
                    if k not in {"completions", "claims", "enrolment_pairs"}
                },
                "problems": problems,
                "server_errors": server_errors[:50],
                "failed_requests": [r for r in records if not r["ok"]][:200],
            },
            indent=2,
            default=str,
        )
        + "\n"
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
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        phase, args = sys.argv[2], sys.argv[3:]
        handlers = {
            "setup": lambda: phase_setup(int(args[0])),
            "check": phase_check,
            "recover": phase_recover,
        }
        print(CHILD_PREFIX + json.dumps(handlers[phase](), default=str))
    else:
        raise SystemExit(main())
