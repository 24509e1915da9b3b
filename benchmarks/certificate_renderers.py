"""The two certificate renderers side by side: the layered one (the page that
is the same for a path drawn once, the learner's parts over it) and the flow
one (WeasyPrint lays out the whole page), each rendering the same
certificates of different learners, alternated certificate by certificate.
CPU time in this process: median, p95 and the PDF's size.

    .venv/bin/python benchmarks/certificate_renderers.py [--certificates 60]

It reads the certificates of the database certificate_bench.py builds
(var/bench/certs.sqlite3; run that first). The first certificate of each
renderer is drawn before timing (fonts, the path's fixed layer).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BenchError
from benchmarks.harness.databases import CERTS_DB_PATH, open_certs_database
from benchmarks.harness.stats import load_average, percentile

CPU = time.process_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=60)
    options = parser.parse_args()
    open_certs_database()
    from learning.certificates import layered, rendering
    from learning.models import Certificate

    certificates = list(
        Certificate.objects.select_related("institution", "claim")
        .prefetch_related("moc")
        .order_by("pk")[: options.certificates + 1]
    )
    if len(certificates) < 2:
        raise BenchError(
            f"{CERTS_DB_PATH} has too few certificates: run benchmarks/certificate_bench.py."
        )
    renderers = {
        "layered": rendering.render_layered_pdf,
        "flow": rendering.render_flow_pdf,
    }
    for render in renderers.values():
        if render(certificates[0]) is None:
            raise BenchError("The first certificate cannot be drawn in two layers.")
    times: dict[str, list[float]] = {name: [] for name in renderers}
    sizes: dict[str, list[int]] = {name: [] for name in renderers}
    misses = layered.stats["misses"]
    before = load_average()
    for certificate in certificates[1:]:
        for name, render in renderers.items():
            start = CPU()
            data = render(certificate)
            times[name].append((CPU() - start) * 1000)
            if data is None:
                raise BenchError(f"{certificate.number} cannot be drawn in two layers.")
            sizes[name].append(len(data))
    count = len(certificates) - 1
    after = load_average()
    print(
        f"{count} certificates, each renderer in turn; load average {before} before, {after} after"
    )
    print("| renderer | median CPU ms | p95 CPU ms | PDF bytes |")
    print("|---|---:|---:|---:|")
    for name in renderers:
        ms = sorted(times[name])
        print(
            f"| {name} | {ms[len(ms) // 2]:.1f} | {percentile(ms, 0.95):.1f} | "
            f"{min(sizes[name]):,}-{max(sizes[name]):,} |"
        )
    drawn = layered.stats["misses"] - misses
    print(f"fixed layers drawn while timing: {drawn} for {count} certificates")


if __name__ == "__main__":
    main()
