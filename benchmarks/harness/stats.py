"""Percentiles, medians and the machine figures printed with every result."""

import datetime
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable


def percentile(values, fraction):
    """Nearest rank: the smallest value with at least ``fraction`` of them at or
    below it. None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def median(values):
    """The median, or None when there are no values."""
    return statistics.median(values) if values else None


def median_ms(run: Callable[[], object], runs: int, clock=time.perf_counter) -> float:
    """The median ms of ``runs`` calls of ``run`` by ``clock`` (the wall
    clock, or ``time.process_time`` for this process's CPU), after one call
    to warm up."""
    run()
    times = []
    for _ in range(runs):
        started = clock()
        run()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


def usable_cpus():
    """What ``nproc`` prints: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def load_average():
    """The 1-minute load average, or None."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def load_averages():
    """The 1-, 5- and 15-minute load averages, or None."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def utc_now():
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def interpreter() -> str:
    """The Python that runs the benchmark: its version, file, and whether
    libpython is a shared library loaded beside it (this machine's pyenv
    build) or linked into it (Debian's python3.11). Two builds of one
    version run the same code at different speeds (docs/benchmarks.md,
    "Twenty-first pass"), so figures name the build."""
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            shared = "libpython" in maps.read()
    except OSError:
        return f"{platform.python_version()} ({os.path.realpath(sys.executable)})"
    libpython = "libpython shared" if shared else "libpython linked in"
    return f"{platform.python_version()} ({os.path.realpath(sys.executable)}, {libpython})"


def machine_info():
    """Date, CPUs, Python and the load average: what every result file starts with."""
    return {
        "date": utc_now(),
        "nproc": usable_cpus(),
        "python": interpreter(),
    }


def fmt(value, digits=0):
    return "-" if value is None else f"{value:.{digits}f}"
