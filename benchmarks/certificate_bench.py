"""Certificate PDFs: one cold (a fresh process), warm (median of 50 in one
process), bulk issuance of 1,000 certificates with 2 processes calling the
task function, and bulk issuance through the database task queue run by 2
`manage.py worker` processes (what `make worker` runs).

    .venv/bin/python benchmarks/certificate_bench.py            # all of it
    .venv/bin/python benchmarks/certificate_bench.py --worker   # the task queue only
    BENCH_WORKER_CERTIFICATES=10000 .venv/bin/python benchmarks/certificate_bench.py --worker

The first parts build their own SQLite database (var/bench/certs.sqlite3) from
the demo content, then run each phase in a child process with production
settings, as a task worker would. Targets (issue: certificates): warm median
<= 100 ms, bulk >= 20 certificates per second on 2 cores.

The task-queue part (benchmarks/certificate_queue.py; issue: performance,
>= 35 certificates per second on 2 cores) runs on PostgreSQL.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, ROOT, BenchError, write_json
from benchmarks.harness.databases import fresh_sqlite_url, migrate_and_seed
from benchmarks.harness.processes import (
    child_answer,
    child_command,
    child_main,
    django_setup,
    production_env,
    run_child,
)
from benchmarks.harness.seeding import approved_claims, bulk_learners, credit_path
from benchmarks.harness.stats import load_average, machine_info, percentile

DB_PATH = BENCH_DIR / "certs.sqlite3"
RESULTS_PATH = BENCH_DIR / "results-certificates.json"
BULK_COUNT = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
WORKERS = 2
WARM_RUNS = 50


def phase_render(runs):
    """Time render_pdf for the demo certificate ``runs`` times in this process."""
    runs = int(runs)
    started = time.perf_counter()
    django_setup()
    from learning.certificates.rendering import render_pdf
    from learning.models import Certificate

    certificate = Certificate.objects.select_related("institution").order_by("pk").first()
    setup_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        data = render_pdf(certificate)
        times.append((time.perf_counter() - t0) * 1000)
    return {"setup_ms": setup_ms, "times_ms": times, "bytes": len(data)}


def phase_bulk_setup(count):
    """``count`` learners with an approved claim on one path, inserted directly
    (the journey itself is measured elsewhere)."""
    django_setup()
    from django.db import transaction

    path = credit_path()
    with transaction.atomic():
        claims = approved_claims(bulk_learners("bulk-", count, "Bulk"), path)
    return {"path": path.slug, "claim_ids": [c.pk for c in claims]}


def phase_bulk_worker(ids_file, worker, workers):
    """Issue every ``workers``-th claim of the list, from ``worker`` on."""
    worker, workers = int(worker), int(workers)
    django_setup()
    from learning.certificates.tasks import issue_certificate_for_claim

    ids = json.loads(Path(ids_file).read_text())[worker::workers]
    failed = 0
    for claim_id in ids:
        status = issue_certificate_for_claim.call(claim_id)  # what a task worker runs
        failed += status != "ready"
    return {"done": len(ids), "failed": failed}


def run_bulk(env):
    setup = run_child(__file__, "bulk-setup", env, BULK_COUNT)
    ids_file = BENCH_DIR / "bulk-claims.json"
    ids_file.write_text(json.dumps(setup["claim_ids"]))
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            child_command(__file__, "bulk-worker", ids_file, i, WORKERS),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    outputs = [child_answer("bulk-worker", p.communicate()[0]) for p in procs]
    elapsed = time.perf_counter() - started
    done = sum(o["done"] for o in outputs)
    failed = sum(o["failed"] for o in outputs)
    return {
        "certificates": done,
        "failed": failed,
        "seconds": elapsed,
        "per_second": done / elapsed,
    }


def phase_count():
    """Original certificates in the database (not corrected reissues, which
    supersede one: the demo has one), and the distinct claims they are for:
    equal when no claim got two."""
    django_setup()
    from learning.models import Certificate

    originals = Certificate.objects.filter(supersedes__isnull=True)
    return [originals.count(), originals.values("claim").distinct().count()]


def main():
    try:
        print(f"Building {DB_PATH.relative_to(ROOT)}:", flush=True)
        db_url = fresh_sqlite_url(DB_PATH)
        migrate_and_seed(db_url)
        env = production_env(db_url, media=BENCH_DIR / "certs-media")
        cold = run_child(__file__, "render", env, 1)
        warm = run_child(__file__, "render", env, WARM_RUNS + 5)
        warm_times = warm["times_ms"][5:]
        print(
            f"Bulk issuance of {BULK_COUNT} certificates with {WORKERS} worker processes...",
            flush=True,
        )
        bulk = run_bulk(env)
        total, distinct = run_child(__file__, "count", env)
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    info = {**machine_info(), "load_average_1min_at_start": load_average()}
    results = {
        "cold_first_render_ms": cold["times_ms"][0],
        "cold_process_setup_ms": cold["setup_ms"],
        "warm_median_ms": statistics.median(warm_times),
        "warm_p95_ms": percentile(warm_times, 0.95),
        "pdf_bytes": warm["bytes"],
        "bulk": bulk,
        "certificates_in_db": total,
        "claims_with_certificates": distinct,
    }
    print()
    print(
        f"Environment: nproc={info['nproc']}, Python {info['python']}, "
        f"{WORKERS} worker processes, load average {info['load_average_1min_at_start']}, "
        f"{info['date']}"
    )
    print()
    print("| measurement | figure |")
    print("|---|---:|")
    setup_ms, first_ms = cold["setup_ms"], cold["times_ms"][0]
    print(
        f"| one PDF, cold (fresh process, after {setup_ms:.0f} ms of setup) | {first_ms:.0f} ms |"
    )
    print(f"| one PDF, warm (median of {WARM_RUNS}) | {results['warm_median_ms']:.1f} ms |")
    print(f"| one PDF, warm (p95 of {WARM_RUNS}) | {results['warm_p95_ms']:.1f} ms |")
    print(f"| PDF size | {warm['bytes'] / 1024:.0f} KiB |")
    print(
        f"| bulk: {bulk['certificates']} issued and rendered, {WORKERS} processes | "
        f"{bulk['per_second']:.1f} certificates/s "
        f"({bulk['seconds']:.1f} s, {bulk['failed']} failed) |"
    )
    print(f"| original certificates in the database / distinct claims | {total} / {distinct} |")
    write_json(RESULTS_PATH, {"environment": info, "results": results})
    print(f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}")
    return 1 if bulk["failed"] or total != distinct else 0


if __name__ == "__main__":
    phases = {
        "render": phase_render,
        "bulk-setup": lambda count: phase_bulk_setup(int(count)),
        "bulk-worker": phase_bulk_worker,
        "count": phase_count,
    }
    from benchmarks import certificate_queue

    if not child_main(phases):
        if "--worker" in sys.argv[1:]:
            sys.exit(certificate_queue.main())
        status = main()
        sys.exit(certificate_queue.main() or status)
