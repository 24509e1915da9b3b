"""How many examples a property-based test draws.

``make test`` loads the "deterministic" profile (tests/conftest.py): every run
draws the same examples, on every machine, so a result is reproducible.
``make fuzz`` loads the "fuzz" profile: new random examples each run, and
FUZZ_FACTOR times as many (10 unless set). Any failure fuzzing finds is added
to the test as an explicit @example, so ``make test`` checks it from then on.
"""

import os

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
FUZZ_FACTOR = int(os.environ.get("FUZZ_FACTOR", "10"))


def examples(count):
    """``count`` examples under make test, FUZZ_FACTOR times more under make fuzz."""
    return count * FUZZ_FACTOR if FUZZ else count
