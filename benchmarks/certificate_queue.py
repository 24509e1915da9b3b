"""Bulk certificate issuance through the database task queue (issue:
performance): N eligible claims, queued the way staff queue them
(`manage.py issue_certificates --path <slug>`), run by 2 `manage.py worker`
processes (what `make worker` runs, production settings), timed from the
start of the enqueue to the moment every certificate exists with its PDF ready.

    .venv/bin/python benchmarks/certificate_bench.py --worker
    BENCH_WORKER_CERTIFICATES=10000 .venv/bin/python benchmarks/certificate_bench.py --worker
    BENCH_WORKER_PROCESSES=3 .venv/bin/python benchmarks/certificate_bench.py --worker

PostgreSQL (several workers need it): a throw-away cluster on
BENCH_CERT_PG_PORT (54346; fsync off, as CI runs it), or the database
BENCH_DATABASE_URL names (dropped and re-created: its name must contain
"bench"). The claims are written directly (benchmarks.harness.seeding). An
SMTP sink (aiosmtpd) on loopback takes the "certificate ready" e-mails the
workers send. Reported: certificates/s, CPU seconds per certificate of the
workers (and of PostgreSQL), failures, certificates = distinct claims, the
tasks run, and a sample of PDFs read back with pypdf (name, credits, number).
Target: >= 35 certificates/s on 2 cores.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, env_number, write_json
from benchmarks.harness.databases import migrate_and_seed
from benchmarks.harness.postgres import (
    postgres_bin_dir,
    recreate_database,
    server_version,
    throwaway_postgres,
)
from benchmarks.harness.processes import (
    child_main,
    django_setup,
    process_tree_cpu_seconds,
    production_env,
    run_child,
)
from benchmarks.harness.stats import load_average, machine_info
from benchmarks.harness.workers import Worker, clear_queue

PG_PORT = int(os.environ.get("BENCH_CERT_PG_PORT", "54346"))
PG_DATABASE = "curbside_bench_certs"
MEDIA = BENCH_DIR / "certs-queue-media"
LOGS = BENCH_DIR / "certs-queue-logs"
RESULTS_PATH = BENCH_DIR / "results-certificate-queue.json"
PREFIX = "queue-"
# Worker processes (2: one a core; BENCH_WORKER_PROCESSES to try more).
WORKERS = env_number("BENCH_WORKER_PROCESSES", 2)
SAMPLE = 20
TARGET = 35
# How long to wait, once every PDF is ready, for the rest of the queue (e-mails).
DRAIN_SECONDS = float(os.environ.get("BENCH_WORKER_DRAIN_SECONDS", "900"))


# --- Child phases (Django set up, production settings) ------------------------


def phase_setup(count):
    """``count`` learners with an approved claim and no certificate, written directly."""
    django_setup()
    from django.db import transaction

    from benchmarks.harness.seeding import approved_claims, bulk_learners, credit_path

    path = credit_path()
    with transaction.atomic():
        claims = approved_claims(bulk_learners(PREFIX, int(count), "Queue"), path)
    return {"path": path.slug, "claims": len(claims)}


def phase_enqueue(slug):
    """What staff run for bulk issuance: `issue_certificates --path <slug>`
    (the admin's "Issue certificates" calls the same enqueue_issuance)."""
    import io

    django_setup()
    from django.core.management import call_command

    out = io.StringIO()
    started = time.time()
    call_command("issue_certificates", "--path", slug, stdout=out)
    return {"started": started, "queued": time.time(), "output": out.getvalue()[-300:]}


def phase_check():
    """Certificates of the bench claims, duplicates, failures, and a sample of
    PDFs read back: the name, the credits and the number are printed."""
    import io
    import random

    django_setup()
    from django.db.models import Count

    import pypdf

    from cms.credits import format_credits
    from learning.models import Certificate, CreditClaim, PdfStatus

    claims = CreditClaim.objects.filter(enrolment__user__username__startswith=PREFIX)
    certificates = Certificate.objects.filter(claim__in=claims)
    ids = list(certificates.filter(pdf_status=PdfStatus.READY).values_list("pk", flat=True))
    sample, unreadable = random.Random(2026).sample(ids, min(SAMPLE, len(ids))), []
    for certificate in Certificate.objects.filter(pk__in=sample):
        with certificate.pdf.open("rb") as handle:
            page = pypdf.PdfReader(io.BytesIO(handle.read())).pages[0]
        text = " ".join(page.extract_text().split())
        expected = [
            certificate.printed_name,
            f"{format_credits(certificate.credits)} AMA PRA Category 1 Credit",
            certificate.number,
        ]
        if not all(part in text for part in expected):
            unreadable.append(certificate.number)
    return {
        "claims": claims.count(),
        "certificates": certificates.count(),
        "distinct_claims": certificates.values("claim").distinct().count(),
        "claims_without_certificate": claims.filter(certificates__isnull=True).count(),
        "claims_with_two_or_more": claims.annotate(n=Count("certificates")).filter(n__gt=1).count(),
        "pdfs_ready": len(ids),
        "pdfs_failed": certificates.filter(pdf_status=PdfStatus.FAILED).count(),
        "pdfs_checked": len(sample),
        "pdfs_wrong": unreadable,
    }


PHASES = {"setup": phase_setup, "enqueue": phase_enqueue, "check": phase_check}


# --- The parent ---------------------------------------------------------------


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_sink():
    """An SMTP server on loopback that accepts every e-mail and keeps none."""
    port = free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.closing(socket.socket()) as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchError("The SMTP sink (aiosmtpd) did not start.")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)


PROGRESS_SQL = """
SELECT count(*) FILTER (WHERE c.pdf_status = 'ready'),
       count(*) FILTER (WHERE c.pdf_status = 'failed'),
       (SELECT count(*) FROM django_tasks_database_dbtaskresult
         WHERE status IN ('READY', 'RUNNING'))
  FROM learning_certificate c
  JOIN learning_creditclaim cl ON cl.id = c.claim_id
  JOIN learning_enrolment e ON e.id = cl.enrolment_id
  JOIN auth_user u ON u.id = e.user_id
 WHERE u.username LIKE %s
"""
TASKS_SQL = """
SELECT task_path, status, count(*) FROM django_tasks_database_dbtaskresult
 GROUP BY 1, 2 ORDER BY 1, 2
"""


def sql(db_url, statement, *params):
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        return conn.execute(statement, params).fetchall()


def progress(db_url):
    """(certificates with a PDF ready, with a failed PDF, tasks waiting or running)."""
    return sql(db_url, PROGRESS_SQL, PREFIX + "%")[0]


def task_counts(db_url):
    rows = sql(db_url, TASKS_SQL)
    return [{"task": path.rsplit(".", 1)[-1], "status": s, "count": n} for path, s, n in rows]


def cpu(pids):
    return sum(process_tree_cpu_seconds(pid) or 0 for pid in pids if pid)


def run(db_url, count, pg_pid=None):
    print(f"Database: migrate, seed_demo, {count} approved claims...", flush=True)
    migrate_and_seed(db_url, MEDIA)
    for old in (MEDIA / "certificates").glob("*.pdf"):
        old.unlink()
    with smtp_sink() as smtp_port:
        env = production_env(db_url, MEDIA)
        env.update(
            TASKS_BACKEND="database",
            LOG_LEVEL="WARNING",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
        )
        setup = run_child(__file__, "setup", env, count)
        clear_queue(db_url)
        workers = [
            Worker(f"bench-w{i + 1}", env, LOGS, interval=1, command="worker")
            for i in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        try:
            time.sleep(3)  # past their start-up (and its random delay of up to 1 s)
            pids = [w.process.pid for w in workers]
            cpu_before, pg_before = cpu(pids), cpu([pg_pid])
            load = load_average()
            print(f"Queueing {setup['claims']} claims (issue_certificates)...", flush=True)
            enqueue = run_child(__file__, "enqueue", env, setup["path"])
            deadline = time.monotonic() + float(os.environ.get("BENCH_WORKER_TIMEOUT", "3600"))
            last = 0
            while True:
                ready, failed, pending = progress(db_url)
                if ready + failed >= count:
                    done_at = time.time()
                    break
                if time.monotonic() > deadline:
                    raise BenchError(f"Timed out: {ready} ready, {failed} failed of {count}.")
                if time.monotonic() - last > 15:
                    print(f"  {ready} ready, {failed} failed, {pending} tasks waiting", flush=True)
                    last = time.monotonic()
                time.sleep(0.25)
            cpu_done, pg_done = cpu(pids), cpu([pg_pid])
            # Then the rest of the queue: the learners' "certificate ready" e-mails.
            drain_until = min(deadline, time.monotonic() + DRAIN_SECONDS)
            while progress(db_url)[2] and time.monotonic() < drain_until:
                time.sleep(0.25)
            drained = not progress(db_url)[2]
            drained_at = time.time()
            cpu_drained = cpu(pids)
        finally:
            for worker in workers:
                worker.stop()
    check = run_child(__file__, "check", env)
    seconds = done_at - enqueue["started"]
    return {
        "claims": count,
        "workers": WORKERS,
        "load_average_1min_before_enqueue": load,
        "load_average_1min_at_end": load_average(),
        "enqueue_seconds": enqueue["queued"] - enqueue["started"],
        "seconds_to_all_pdfs_ready": seconds,
        "certificates_per_second": count / seconds,
        "seconds_to_empty_queue": drained_at - enqueue["started"] if drained else None,
        "worker_cpu_seconds_to_ready": cpu_done - cpu_before,
        "worker_cpu_seconds_to_empty_queue": cpu_drained - cpu_before,
        "worker_cpu_ms_per_certificate_to_ready": (cpu_done - cpu_before) * 1000 / count,
        "worker_cpu_ms_per_certificate": (cpu_drained - cpu_before) * 1000 / count,
        "postgres_cpu_ms_per_certificate": (pg_done - pg_before) * 1000 / count if pg_pid else None,
        "tasks": task_counts(db_url),
        **check,
    }


def report(info, results):
    cpu_ms = results["worker_cpu_ms_per_certificate"]
    ready_ms = results["worker_cpu_ms_per_certificate_to_ready"]
    print()
    print(
        f"Environment: nproc={info['nproc']}, Python {info['python']}, PostgreSQL "
        f"{info.get('postgres')}, {WORKERS} `manage.py worker` processes, load average "
        f"{results['load_average_1min_before_enqueue']} before, "
        f"{results['load_average_1min_at_end']} after, {info['date']}"
    )
    print()
    print("| measurement | figure |")
    print("|---|---:|")
    rows = [
        (
            "claims queued (issue_certificates)",
            f"{results['claims']} in {results['enqueue_seconds']:.1f} s",
        ),
        (
            "enqueue to every PDF ready",
            f"{results['seconds_to_all_pdfs_ready']:.1f} s = "
            f"**{results['certificates_per_second']:.1f} certificates/s**",
        ),
        (
            "enqueue to an empty queue (e-mails sent)",
            f"{results['seconds_to_empty_queue']:.1f} s"
            if results["seconds_to_empty_queue"] is not None
            else f"not empty after {DRAIN_SECONDS:.0f} s more",
        ),
        ("worker CPU per certificate, to every PDF ready", f"{ready_ms:.1f} ms"),
        (
            "projected on 2 free cores (2000 ms / that CPU)",
            f"{2000 / ready_ms:.0f} certificates/s (target {TARGET})",
        ),
        ("worker CPU per certificate, to the end (e-mails included)", f"{cpu_ms:.1f} ms"),
    ]
    if results["postgres_cpu_ms_per_certificate"] is not None:
        rows.append(
            (
                "PostgreSQL CPU per certificate",
                f"{results['postgres_cpu_ms_per_certificate']:.1f} ms",
            )
        )
    rows += [
        (
            "certificates / distinct claims / claims with two or more",
            f"{results['certificates']} / {results['distinct_claims']} / "
            f"{results['claims_with_two_or_more']}",
        ),
        ("PDFs ready / failed", f"{results['pdfs_ready']} / {results['pdfs_failed']}"),
        (
            "sample of PDFs read back (name, credits, number)",
            f"{results['pdfs_checked'] - len(results['pdfs_wrong'])} of "
            f"{results['pdfs_checked']} right",
        ),
        (
            "tasks run",
            ", ".join(f"{t['task']} {t['status'].lower()} {t['count']}" for t in results["tasks"]),
        ),
    ]
    for label, value in rows:
        print(f"| {label} | {value} |")


def main():
    count = env_number("BENCH_WORKER_CERTIFICATES", 2000)
    url = os.environ.get("BENCH_DATABASE_URL", "")
    info = {**machine_info(), "load_average_1min_at_start": load_average()}
    if not url and postgres_bin_dir() is None:
        print("Bulk issuance through the task queue skipped: it needs PostgreSQL.")
        return 0
    print(f"Bulk issuance of {count} certificates through the database task queue:", flush=True)
    try:
        if url:
            recreate_database(url, "bench", "BENCH_DATABASE_URL", loopback=False)
            info["postgres"] = server_version(url)
            results = run(url, count)
        else:
            with throwaway_postgres(
                PG_PORT, PG_DATABASE, durable=False, hint="BENCH_CERT_PG_PORT chooses the port."
            ) as cluster:
                info["postgres"] = server_version(cluster.url)
                results = run(cluster.url, count, pg_pid=cluster.server_pid())
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    report(info, results)
    write_json(RESULTS_PATH, {"environment": info, "results": results})
    print(
        f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}; worker logs: {LOGS.relative_to(ROOT)}/"
    )
    ok = (
        results["certificates"] == results["distinct_claims"] == count
        and not results["pdfs_failed"]
        and not results["pdfs_wrong"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if not child_main(PHASES):
        sys.exit(main())
