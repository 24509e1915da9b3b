"""Account enumeration by timing: failed log-ins and sign-ups for accounts
that exist and that do not, with the production password hasher.

    .venv/bin/python benchmarks/enumeration_bench.py [--tries 40]

Builds its own SQLite database (var/bench/enumeration.sqlite3), then times
``--tries`` failed log-ins by email and by username, known and unknown
(interleaved, so machine load hits both alike) and as many sign-ups with a
taken and a fresh address, through Django's test client in one process with
the development settings and Django's default PBKDF2 hasher, after two
untimed warm-up rounds. The rate-limit
counters are cleared before each try. Prints the medians and the ratio
known / unknown per case; 1.00 means timing says nothing.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BENCH_DIR
from benchmarks.harness.databases import fresh_sqlite_url
from benchmarks.harness.stats import load_average

DB_PATH = BENCH_DIR / "enumeration.sqlite3"
WARM_UP = 2  # untimed rounds first: the first request of a process loads templates


def setup():
    os.environ.update(
        DJANGO_SETTINGS_MODULE="curbside.settings.dev",
        DATABASE_URL=fresh_sqlite_url(DB_PATH),
        CACHE_URL="locmem://",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(client, url, data):
    from django.core.cache import cache

    cache.clear()
    client.cookies.clear()
    start = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - start
    return response.status_code, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=40)
    tries = parser.parse_args().tries
    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from curbside.security import confirm_email

    user = get_user_model().objects.create_user(
        "maya", "maya@example.org", "a-long-real-passphrase"
    )
    confirm_email(user)
    client = Client()
    cases = {
        "log-in by email": (
            "/accounts/login/",
            lambda i: {"login": "maya@example.org", "password": f"wrong-{i}"},
            lambda i: {"login": f"nobody{i}@example.org", "password": f"wrong-{i}"},
        ),
        "log-in by username": (
            "/accounts/login/",
            lambda i: {"login": "maya", "password": f"wrong-{i}"},
            lambda i: {"login": f"nobody{i}", "password": f"wrong-{i}"},
        ),
        "sign-up": (
            "/accounts/signup/",
            lambda i: {"email": "maya@example.org", "password1": "p-" * 8, "password2": "p-" * 8},
            lambda i: {
                "email": f"new{i}@example.org",
                "password1": "p-" * 8,
                "password2": "p-" * 8,
            },
        ),
    }
    print(f"{tries} tries per case, load average {load_average():.2f}")
    print(f"{'case':<20} {'known ms':>9} {'unknown ms':>11} {'ratio':>6}")
    for name, (url, known, unknown) in cases.items():
        times = {"known": [], "unknown": []}
        for i in range(-WARM_UP, tries):
            for kind, data in (("known", known), ("unknown", unknown)):
                status, elapsed = timed(client, url, data(i))
                assert status in (200, 302), (name, kind, status)
                if i >= 0:
                    times[kind].append(elapsed)
        k, u = statistics.median(times["known"]), statistics.median(times["unknown"])
        print(f"{name:<20} {k * 1000:>9.0f} {u * 1000:>11.0f} {k / u:>6.2f}")


if __name__ == "__main__":
    main()
