"""Mentor matching at programme size: 1,000 mentees and 300 mentors.

    .venv/bin/python benchmarks/matching_bench.py [--mentees 1000] [--mentors 300] [--repeat 2]

Generates the profiles deterministically (seeded: time zones on four
continents, languages, specialties, goals, experiences asked for and shared,
weekly windows some of which run past midnight, capacities 1-5), then times in
one process, with no database:

* the suggestion pass: the five best suggestions, with reasons, for every mentee;
* the cohort assignment: every mentee's score against every mentor, then
  ``scipy.optimize.linear_sum_assignment`` over the mentors' free slots.

Each is run ``--repeat`` times (median and fastest reported), with the time-zone
cache emptied first so every run converts every window again; the score matrix
alone is timed too, so the solver's share is the difference. Peak memory comes
from one more, untimed run of the two passes under ``tracemalloc`` (Python and
numpy allocations), and the process's peak resident size from ``getrusage``.
About a minute on 2 quiet cores.
Prints a Markdown table and writes the figures to var/bench/matching.json.
"""

import argparse
import random
import resource
import sys
import time
import tracemalloc
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR, write_json
from benchmarks.harness.stats import fmt, load_averages, machine_info, median
from mentoring.matching import (
    Availability,
    CareerStage,
    Experience,
    MenteeProfile,
    MentorProfile,
    Topic,
    assign_cohort,
    suggestions_for_all,
)
from mentoring.matching.cohort import score_matrix
from mentoring.matching.overlap import utc_intervals
from mentoring.matching.score import Weights

SEED = 20250601
WEEK = date(2025, 3, 3)  # the week Chicago changes its clocks
ZONES = [
    "America/Chicago",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Manila",
    "Australia/Sydney",
]
LANGUAGES = ["Spanish", "Hindi", "Yoruba", "Tagalog", "Arabic", "Portuguese", "French", "Urdu"]
SPECIALTIES = [
    "internal medicine",
    "family medicine",
    "pediatrics",
    "general surgery",
    "psychiatry",
    "obstetrics and gynecology",
    "emergency medicine",
    "anesthesiology",
]
DEPARTMENTS = ["Medicine", "Surgery", "Pediatrics", "Emergency"]
INSTITUTIONS = ["Mercy General", "St Mary's", "Lakeside", "Northern Rural Health"]


def _windows(rng):
    windows = []
    for _ in range(rng.randint(1, 4)):
        start = rng.choice([6, 7, 12, 17, 18, 19, 20, 21, 22, 23])
        length = rng.choice([1, 2, 3])
        windows.append(Availability(rng.randint(0, 6), clock(start), clock((start + length) % 24)))
    return tuple(windows)


def _languages(rng):
    extra = rng.sample(LANGUAGES, rng.choice([0, 0, 1, 1, 2]))
    # One in ten does not speak English: the language limit must bite sometimes.
    return tuple(extra) if extra and rng.random() < 0.1 else ("English", *extra)


def generate(mentee_count, mentor_count, seed=SEED):
    rng = random.Random(seed)
    experiences = list(Experience)
    mentees = [
        MenteeProfile(
            user_id=i,
            career_stage=rng.choice(list(CareerStage)),
            specialty=rng.choice(SPECIALTIES),
            goals=frozenset(rng.sample(list(Topic), rng.randint(1, 3))),
            languages=_languages(rng),
            timezone=rng.choice(ZONES),
            availability=_windows(rng),
            wants_shared=frozenset(rng.sample(experiences, rng.choice([0, 0, 1, 1, 2]))),
            own_experiences=frozenset(rng.sample(experiences, rng.choice([0, 1]))),
            department=rng.choice(DEPARTMENTS),
            institution=rng.choice(INSTITUTIONS),
        )
        for i in range(1, mentee_count + 1)
    ]
    mentors = []
    for j in range(mentor_count):
        capacity = rng.randint(1, 5)
        mentors.append(
            MentorProfile(
                user_id=100_000 + j,
                topics=frozenset(rng.sample(list(Topic), rng.randint(1, 3))),
                specialties=frozenset(rng.sample(SPECIALTIES, rng.randint(1, 2))),
                languages=_languages(rng),
                timezone=rng.choice(ZONES),
                availability=_windows(rng),
                capacity=capacity,
                current_mentees=rng.randint(0, capacity - 1),
                shares=frozenset(rng.sample(experiences, rng.randint(0, 2))),
                department=rng.choice(DEPARTMENTS),
                institution=rng.choice(INSTITUTIONS),
                excludes_own_department=rng.random() < 0.3,
            )
        )
    return mentees, mentors


def suggestion_pass(mentees, mentors):
    return suggestions_for_all(mentees, mentors, week=WEEK)


def cohort(mentees, mentors):
    return assign_cohort(mentees, mentors, week=WEEK)


def matrix(mentees, mentors):
    return score_matrix(mentees, mentors, Weights(), WEEK)


def timed(phase, repeat, *args):
    times = []
    result = None
    for _ in range(repeat):
        utc_intervals.cache_clear()
        start = time.perf_counter()
        result = phase(*args)
        times.append(time.perf_counter() - start)
    return times, result


def traced_peak(phase, *args):
    utc_intervals.cache_clear()
    tracemalloc.start()
    phase(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentees", type=int, default=1000)
    parser.add_argument("--mentors", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if min(args.mentees, args.mentors, args.repeat) <= 0:
        print("--mentees, --mentors and --repeat must be positive.", file=sys.stderr)
        return 2

    mentees, mentors = generate(args.mentees, args.mentors)
    slots = sum(m.remaining for m in mentors)
    phases = [  # name, function, whether to trace its memory
        ("suggestions (top 5, every mentee)", suggestion_pass, True),
        ("cohort: score matrix only", matrix, False),
        ("cohort: assignment (matrix + solver)", cohort, True),
    ]
    rows = []
    results = {}
    for name, phase, trace in phases:
        times, result = timed(phase, args.repeat, mentees, mentors)
        results[name] = result
        peak = traced_peak(phase, mentees, mentors) if trace else None
        rows.append(
            {"phase": name, "median_s": median(times), "min_s": min(times), "peak_bytes": peak}
        )

    assignment = results["cohort: assignment (matrix + solver)"]
    lists = results["suggestions (top 5, every mentee)"]
    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "free_slots": slots,
        "pairs": len(assignment.pairs),
        "unmatched": len(assignment.unmatched),
        "mean_pair_score": assignment.total_score / max(1, len(assignment.pairs)),
        "mentees_with_5_suggestions": sum(len(s) == 5 for s in lists.values()),
        "process_max_rss_mib": maxrss_kib / 1024,
        "load_averages": load_averages(),
        **machine_info(),
    }

    print(
        f"\n{args.mentees} mentees, {args.mentors} mentors ({slots} free slots), "
        f"week of {WEEK}, {args.repeat} runs each\n"
    )
    print("| phase | median s | fastest s | peak traced MiB |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['phase']} | {row['median_s']:.2f} | {row['min_s']:.2f} "
            f"| {fmt(row['peak_bytes'] and row['peak_bytes'] / 2**20, 1)} |"
        )
    print(
        f"\nPairs {summary['pairs']}, unmatched {summary['unmatched']}, mean pair score "
        f"{summary['mean_pair_score']:.1f}; {summary['mentees_with_5_suggestions']} mentees "
        f"got 5 suggestions. Process peak RSS {summary['process_max_rss_mib']:.0f} MiB. "
        f"{summary['date']}, {summary['nproc']} CPUs, Python {summary['python']}, "
        f"load average {summary['load_averages']}."
    )
    write_json(BENCH_DIR / "matching.json", {"summary": summary, "phases": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
