"""Fault injection: a task worker killed (SIGKILL) in the middle of a bulk
certificate issuance, then restarted the way `make worker` restarts it.

    FAULT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/curbside_fault \\
        .venv/bin/python benchmarks/worker_fault.py

Against PostgreSQL (several workers need it: django-tasks-db claims tasks
with SELECT ... FOR UPDATE SKIP LOCKED). It DROPS and recreates the database
named in FAULT_DATABASE_URL (whose name must contain "fault"), migrates and
seeds it, gives FAULT_CLAIMS (300) learners an approved claim with no
certificate, queues one issuance task per claim (TASKS_BACKEND=database),
starts FAULT_WORKERS (2) `manage.py db_worker` processes with production
settings, kills the first with SIGKILL once FAULT_KILL_AT (30%) of the
certificates exist and it is running a task, restarts it (recovery for its
worker id, then db_worker), waits for the queue to drain (at most
FAULT_TIMEOUT seconds, 600) and checks: one certificate per claim, every PDF
ready and on disk, every task successful. Loopback only; exits 1 when a
check fails.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.http_bench import (  # noqa: E402
    BENCH_DIR,
    ROOT,
    base_env,
    environment_info,
    manage,
    production_env,
)

DATABASE_URL = os.environ.get(
    "FAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/curbside_fault"
)
CLAIMS = int(os.environ.get("FAULT_CLAIMS", "300"))
WORKERS = int(os.environ.get("FAULT_WORKERS", "2"))
KILL_AT = float(os.environ.get("FAULT_KILL_AT", "0.3"))
TIMEOUT = float(os.environ.get("FAULT_TIMEOUT", "600"))
MEDIA = BENCH_DIR / "fault-media"
LOGS = BENCH_DIR / "fault-logs"
RESULTS_PATH = BENCH_DIR / "results-worker-fault.json"
TASKS_TABLE = "django_tasks_database_dbtaskresult"


def check_target(url):
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("FAULT_DATABASE_URL must be a PostgreSQL URL.")
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("FAULT_DATABASE_URL must be on loopback.")
    name = parts.path.lstrip("/")
    if "fault" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: its name must contain 'fault'.")
    return parts, name


def recreate_database(url):
    import psycopg

    parts, name = check_target(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def query(sql):
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchone() if cursor.description else None


def child(phase, env, *args):
    command = [sys.executable, __file__, "--phase", phase, *map(str, args)]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"phase {phase} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def phase_setup(count):
    """``count`` learners with an approved claim and no certificate, then one
    issuance task each in the database queue (what `issue_certificates` does)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from learning.certificates.bulk import claims_needing_certificates, enqueue_issuance
    from learning.models import (
        ClaimStatus,
        CreditClaim,
        Enrolment,
        LearnerProfile,
        LearningPathPage,
    )

    path = LearningPathPage.objects.live().filter(max_credits__gt=0).order_by("pk").first()
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(username=f"fault-{i:05d}", email=f"fault-{i:05d}@example.org")
                for i in range(count)
            ]
        )
        LearnerProfile.objects.bulk_create(
            [
                LearnerProfile(user=u, full_name=f"Fault Learner {i:05d}", credentials="MD")
                for i, u in enumerate(users)
            ]
        )
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(user=u, path=path, completed_at=now) for u in users]
        )
        CreditClaim.objects.bulk_create(
            [
                CreditClaim(
                    enrolment=e,
                    credits=path.max_credits,
                    max_credits=path.max_credits,
                    attested=True,
                    status=ClaimStatus.APPROVED,
                    approved_at=now,
                )
                for e in enrolments
            ]
        )
    claim_ids = list(claims_needing_certificates(path=path).values_list("pk", flat=True))
    enqueue_issuance(claim_ids)
    return {"path": path.slug, "claims": len(claim_ids)}


def phase_check():
    import django

    django.setup()
    from django.db.models import Count

    from learning.models import Certificate, CreditClaim, PdfStatus

    claims = CreditClaim.objects.filter(enrolment__user__username__startswith="fault-")
    certificates = Certificate.objects.filter(claim__in=claims)
    missing_files = 0
    for certificate in certificates.exclude(pdf=""):
        if not certificate.pdf.storage.exists(certificate.pdf.name):
            missing_files += 1
    files = {p.name for p in (MEDIA / "certificates").glob("*.pdf")}
    return {
        "claims": claims.count(),
        "claims_without_certificate": claims.filter(certificates__isnull=True).count(),
        "certificates": certificates.count(),
        "claims_with_two_or_more": claims.annotate(n=Count("certificates")).filter(n__gt=1).count(),
        "pdfs_ready": certificates.filter(pdf_status=PdfStatus.READY).count(),
        "pdfs_not_ready": certificates.exclude(pdf_status=PdfStatus.READY).count(),
        "pdf_files_missing": missing_files,
        "rendered_more_than_once": certificates.filter(pdf_attempts__gt=1).count(),
        "pdf_files_on_disk": len(files),
    }


class Worker:
    def __init__(self, worker_id, env):
        self.worker_id, self.env, self.process = worker_id, env, None

    def recover(self):
        out = manage(["recover_tasks", "--worker-id", self.worker_id, "--json"], self.env)
        return json.loads(out.strip().splitlines()[-1])

    def start(self):
        LOGS.mkdir(parents=True, exist_ok=True)
        with (LOGS / f"{self.worker_id}.log").open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--worker-id",
                    self.worker_id,
                    "--no-reload",
                    "--interval",
                    "0.2",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def counts():
    certificates = query("SELECT count(*) FROM learning_certificate")[0]
    ready, running, done, failed = query(
        f"SELECT count(*) FILTER (WHERE status = 'READY'), "  # noqa: S608 (constant table name)
        f"count(*) FILTER (WHERE status = 'RUNNING'), "
        f"count(*) FILTER (WHERE status = 'SUCCESSFUL'), "
        f"count(*) FILTER (WHERE status = 'FAILED') FROM {TASKS_TABLE}"
    )
    return certificates, ready, running, done, failed


def running_on(worker_id):
    return query(
        f"SELECT count(*) FROM {TASKS_TABLE} WHERE status = 'RUNNING' "  # noqa: S608
        f"AND worker_ids->>-1 = '{worker_id}'"
    )[0]


def main():
    check_target(DATABASE_URL)
    print(
        f"Recreating {urlsplit(DATABASE_URL).path.lstrip('/')}: migrate, seed_demo...", flush=True
    )
    recreate_database(DATABASE_URL)
    seed_env = base_env(DATABASE_URL)
    seed_env.update(DJANGO_SETTINGS_MODULE="curbside.settings.dev", DJANGO_DEBUG="true")
    manage(["migrate", "--noinput"], seed_env)
    manage(["seed_demo"], seed_env)
    env = production_env(DATABASE_URL)
    env.update(TASKS_BACKEND="database", MEDIA_ROOT=str(MEDIA), LOG_LEVEL="WARNING")
    if MEDIA.exists():
        for old in (MEDIA / "certificates").glob("*"):
            old.unlink()
    query(f"DELETE FROM {TASKS_TABLE}")  # noqa: S608 (the demo's own tasks, if any)
    setup = child("setup", env, CLAIMS)
    print(f"{setup['claims']} claims queued for issuance on {setup['path']!r}", flush=True)

    workers = [Worker(f"fault-w{i + 1}", env) for i in range(WORKERS)]
    started = time.monotonic()
    deadline = started + TIMEOUT
    for worker in workers:
        worker.start()
    victim = workers[0]
    killed_at = restarted_at = killed_progress = None
    released = {}
    try:
        while True:
            certificates, ready, running, done, failed = counts()
            now = time.monotonic()
            if now > deadline:
                raise SystemExit(f"Timed out after {TIMEOUT:.0f} s: {counts()}")
            if (
                killed_at is None
                and certificates >= KILL_AT * CLAIMS
                and running_on(victim.worker_id)
            ):
                victim.kill()
                killed_at = now - started
                killed_progress = certificates
                orphaned = running_on(victim.worker_id)
                print(
                    f"SIGKILL {victim.worker_id} at {killed_at:.1f} s "
                    f"({certificates}/{CLAIMS} certificates; {orphaned} task left RUNNING)",
                    flush=True,
                )
                time.sleep(1)
                released = victim.recover()
                victim.start()
                restarted_at = time.monotonic() - started
                print(
                    f"Restarted {victim.worker_id} at {restarted_at:.1f} s: {released}", flush=True
                )
            if killed_at is not None and ready == 0 and running == 0:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            worker.stop()
    certificates, ready, running, done, failed = counts()
    check = child("check", env)
    info = environment_info(workers=WORKERS)
    results = {
        "claims": CLAIMS,
        "workers": WORKERS,
        "killed_at_seconds": killed_at,
        "killed_at_certificates": killed_progress,
        "orphaned_tasks_released": released.get("released"),
        "restart_queued": {k: v for k, v in released.items() if k != "released"},
        "seconds_total": elapsed,
        "certificates_per_second": check["certificates"] / elapsed,
        "tasks_successful": done,
        "tasks_failed": failed,
        **check,
    }
    ok = (
        check["certificates"] == CLAIMS
        and check["claims_without_certificate"] == 0
        and check["claims_with_two_or_more"] == 0
        and check["pdfs_ready"] == CLAIMS
        and check["pdf_files_missing"] == 0
        and failed == 0
    )
    print()
    print(
        f"Environment: nproc={info.get('nproc')}, Python {info.get('python')}, "
        f"PostgreSQL on loopback, {WORKERS} db_worker processes (production settings), "
        f"load average {info.get('load_average_1min_at_start')}, {info.get('date')}"
    )
    print()
    print("| measurement | figure |")
    print("|---|---:|")
    rows = [
        ("claims queued (one issuance task each)", CLAIMS),
        (
            f"{victim.worker_id} killed (SIGKILL) at",
            f"{killed_at:.1f} s, {killed_progress} certificates",
        ),
        ("tasks left RUNNING by the kill, released on restart", released.get("released")),
        ("total time, first task to empty queue", f"{elapsed:.1f} s"),
        ("throughput", f"{results['certificates_per_second']:.1f} certificates/s"),
        (
            "certificates / claims without one / claims with two or more",
            f"{check['certificates']} / {check['claims_without_certificate']} / "
            f"{check['claims_with_two_or_more']}",
        ),
        ("PDFs ready / missing files", f"{check['pdfs_ready']} / {check['pdf_files_missing']}"),
        ("PDFs rendered more than once", check["rendered_more_than_once"]),
        ("PDF files on disk", check["pdf_files_on_disk"]),
        ("tasks successful / failed", f"{done} / {failed}"),
        ("result", "every claim has exactly one certificate and its PDF" if ok else "FAILED"),
    ]
    for label, value in rows:
        print(f"| {label} | {value} |")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps({"environment": info, "results": results}, indent=2))
    print(
        f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}; worker logs: {LOGS.relative_to(ROOT)}/"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        phase, args = sys.argv[2], sys.argv[3:]
        handlers = {"setup": lambda: phase_setup(int(args[0])), "check": phase_check}
        print(json.dumps(handlers[phase]()))
    else:
        sys.exit(main())
