"""Certificate PDFs: one cold (a fresh process), warm (median of 50 in one
process), and bulk issuance of 1,000 certificates with 2 worker processes.

    .venv/bin/python benchmarks/certificate_bench.py

Builds its own SQLite database (var/bench/certs.sqlite3) from the demo content,
then runs each phase in a child process with production settings, as a task
worker would. Targets (issue: certificates): warm median <= 100 ms, bulk >= 20
certificates per second on 2 cores.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.http_bench import (  # noqa: E402
    BENCH_DIR,
    ROOT,
    build_database,
    environment_info,
    production_env,
)

DB_PATH = BENCH_DIR / "certs.sqlite3"
RESULTS_PATH = BENCH_DIR / "results-certificates.json"
BULK_COUNT = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
WORKERS = 2
WARM_RUNS = 50


def django_setup():
    import django

    django.setup()


def child(phase, env, *args):
    command = [sys.executable, __file__, "--phase", phase, *map(str, args)]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"phase {phase} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def phase_render(runs):
    """Time render_pdf for the demo certificate ``runs`` times in this process."""
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
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

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
                User(username=f"bulk-{i:05d}", email=f"bulk-{i:05d}@example.org")
                for i in range(count)
            ]
        )
        LearnerProfile.objects.bulk_create(
            [
                LearnerProfile(
                    user=u, full_name=f"Bulk Learner {i:05d}", credentials="MD", time_zone="UTC"
                )
                for i, u in enumerate(users)
            ]
        )
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(user=u, path=path, completed_at=now) for u in users]
        )
        claims = CreditClaim.objects.bulk_create(
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
    return {"path": path.slug, "claim_ids": [c.pk for c in claims]}


def phase_bulk_worker(ids_file, worker, workers):
    django_setup()
    from learning.certificates.tasks import issue_certificate_for_claim

    ids = json.loads(Path(ids_file).read_text())[worker::workers]
    failed = 0
    for claim_id in ids:
        status = issue_certificate_for_claim.call(claim_id)  # what a task worker runs
        failed += status != "ready"
    return {"done": len(ids), "failed": failed}


def run_bulk(env):
    setup = child("bulk-setup", env, BULK_COUNT)
    ids_file = BENCH_DIR / "bulk-claims.json"
    ids_file.write_text(json.dumps(setup["claim_ids"]))
    command = [sys.executable, __file__, "--phase", "bulk-worker", str(ids_file)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*command, str(i), str(WORKERS)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for i in range(WORKERS)
    ]
    outputs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    elapsed = time.perf_counter() - started
    done = sum(o["done"] for o in outputs)
    failed = sum(o["failed"] for o in outputs)
    return {
        "certificates": done,
        "failed": failed,
        "seconds": elapsed,
        "per_second": done / elapsed,
    }


def count_certificates(env):
    code = (
        "from learning.models import Certificate as C; "
        "print(C.objects.count(), C.objects.values('claim').distinct().count())"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    total, distinct = out.stdout.split()[-2:]
    return int(total), int(distinct)


def main():
    db_url = build_database(DB_PATH)
    env = production_env(db_url)
    env["MEDIA_ROOT"] = str(BENCH_DIR / "certs-media")
    cold = child("render", env, 1)
    warm = child("render", env, WARM_RUNS + 5)
    warm_times = warm["times_ms"][5:]
    print(
        f"Bulk issuance of {BULK_COUNT} certificates with {WORKERS} worker processes...", flush=True
    )
    bulk = run_bulk(env)
    total, distinct = count_certificates(env)
    info = environment_info()
    results = {
        "cold_first_render_ms": cold["times_ms"][0],
        "cold_process_setup_ms": cold["setup_ms"],
        "warm_median_ms": statistics.median(warm_times),
        "warm_p95_ms": sorted(warm_times)[int(0.95 * len(warm_times)) - 1],
        "pdf_bytes": warm["bytes"],
        "bulk": bulk,
        "certificates_in_db": total,
        "claims_with_certificates": distinct,
    }
    print()
    print(
        f"Environment: nproc={info.get('nproc')}, Python {info.get('python')}, "
        f"{WORKERS} worker processes, load average {info.get('load_average_1min_at_start')}, "
        f"{info.get('date')}"
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
    print(f"| certificates in the database / distinct claims | {total} / {distinct} |")
    RESULTS_PATH.write_text(json.dumps({"environment": info, "results": results}, indent=2))
    print(f"\nRaw results: {RESULTS_PATH.relative_to(ROOT)}")
    return 1 if bulk["failed"] or total != distinct else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        phase, args = sys.argv[2], sys.argv[3:]
        handlers = {
            "render": lambda: phase_render(int(args[0])),
            "bulk-setup": lambda: phase_bulk_setup(int(args[0])),
            "bulk-worker": lambda: phase_bulk_worker(args[0], int(args[1]), int(args[2])),
        }
        print(json.dumps(handlers[phase]()))
    else:
        sys.exit(main())
