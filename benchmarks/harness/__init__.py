"""What every benchmark script shares.

* ``postgres``: a throw-away PostgreSQL cluster, or a named database dropped
  and re-created;
* ``databases``: a fresh SQLite file, migrate + ``seed_demo``, static files;
* ``server``: gunicorn (start, wait, stop, CPU used) and wrk;
* ``processes``: environments, ``manage.py``, phases run in a child process
  (Django set up there), CPU time of processes and of the machine;
* ``stats``: percentiles, medians, machine figures (CPUs, load average);
* ``seeding``: learners, profiles, sessions and claims written directly;
* ``workers``: ``manage.py db_worker`` processes and their task queue;
* ``options``: the command-line options the search benchmarks share.

Every failure to set up raises ``BenchError`` with a message for a person;
the scripts print it and exit with status 2.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DATA_DIR = ROOT / "benchmarks" / "data"


class BenchError(Exception):
    """The benchmark could not run (as opposed to: it ran and a check failed)."""


def env_number(name, default, kind=int):
    """A positive number from the environment variable ``name``, else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise BenchError(f"{name} must be a positive number, not {raw!r}.")
    return value


def write_json(path, data):
    """Write ``data`` as indented JSON (what it cannot encode, as text)."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
