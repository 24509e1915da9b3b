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

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, write_json
from benchmarks.harness.databases import migrate_and_seed
from benchmarks.harness.postgres import check_database_url, recreate_database
from benchmarks.harness.processes import child_main, django_setup, production_env, run_child
from benchmarks.harness.seeding import approved_claims, bulk_learners, credit_path
from benchmarks.harness.stats import load_average, machine_info
from benchmarks.harness.workers import Worker, clear_queue, queue_counts, running_on

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


def phase_setup(count):
    """``count`` learners with an approved claim and no certificate, then one
    issuance task each in the database queue (what `issue_certificates` does)."""
    django_setup()
    from django.db import transaction

    from learning.certificates.bulk import claims_needing_certificates
    from learning.certificates.tasks import enqueue_issuance

    path = credit_path()
    with transaction.atomic():
        approved_claims(bulk_learners("fault-", int(count), "Fault"), path)
    claim_ids = list(claims_needing_certificates(path=path).values_list("pk", flat=True))
    enqueue_issuance(claim_ids)
    return {"path": path.slug, "claims": len(claim_ids)}


def phase_check():
    django_setup()
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


def prepare():
    """Re-create the database, migrate, seed, queue the issuance tasks; the env."""
    name = check_database_url(DATABASE_URL, "fault", "FAULT_DATABASE_URL")
    print(f"Recreating {name}: migrate, seed_demo...", flush=True)
    recreate_database(DATABASE_URL, "fault", "FAULT_DATABASE_URL")
    migrate_and_seed(DATABASE_URL, MEDIA)
    env = production_env(DATABASE_URL, MEDIA)
    env.update(TASKS_BACKEND="database", LOG_LEVEL="WARNING")
    if MEDIA.exists():
        for old in (MEDIA / "certificates").glob("*"):
            old.unlink()
    clear_queue(DATABASE_URL)  # the demo's own tasks, if any
    setup = run_child(__file__, "setup", env, CLAIMS)
    print(f"{setup['claims']} claims queued for issuance on {setup['path']!r}", flush=True)
    return env


def main():
    try:
        env = prepare()
    except BenchError as exc:
        print(f"Fault test aborted: {exc}", file=sys.stderr)
        return 2
    workers = [Worker(f"fault-w{i + 1}", env, LOGS) for i in range(WORKERS)]
    started = time.monotonic()
    deadline = started + TIMEOUT
    for worker in workers:
        worker.start()
    victim = workers[0]
    killed_at = restarted_at = killed_progress = None
    released = {}
    try:
        while True:
            certificates, ready, running, done, failed = queue_counts(DATABASE_URL)
            now = time.monotonic()
            if now > deadline:
                raise SystemExit(f"Timed out after {TIMEOUT:.0f} s: {queue_counts(DATABASE_URL)}")
            if (
                killed_at is None
                and certificates >= KILL_AT * CLAIMS
                and running_on(DATABASE_URL, victim.worker_id)
            ):
                victim.kill()
                killed_at = now - started
                killed_progress = certificates
                orphaned = running_on(DATABASE_URL, victim.worker_id)
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
    certificates, ready, running, done, failed = queue_counts(DATABASE_URL)
    check = run_child(__file__, "check", env)
    info = {**machine_info(), "load_average_1min_at_start": load_average()}
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
        f"Environment: nproc={info['nproc']}, Python {info['python']}, "
        f"PostgreSQL on loopback, {WORKERS} db_worker processes (production settings), "
        f"load average {info['load_average_1min_at_start']}, {info['date']}"
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
    write_json(RESULTS_PATH, {"environment": info, "results": results})
    print(
        f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}; worker logs: {LOGS.relative_to(ROOT)}/"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if not child_main({"setup": phase_setup, "check": phase_check}):
        sys.exit(main())
