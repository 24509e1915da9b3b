"""Fresh databases with the demo content, and the static files production serves."""

import glob
import os
import time
from pathlib import Path

from benchmarks.harness import BENCH_DIR, ROOT, BenchError
from benchmarks.harness.processes import dev_env, manage, production_env


def sqlite_url(db_path):
    return f"sqlite:///{Path(db_path).resolve()}"


def fresh_sqlite_url(db_path):
    """Delete the SQLite file ``db_path`` (and its journals); return its DATABASE_URL."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return sqlite_url(db_path)


def migrate_and_seed(db_url, media=None, without=()):
    """``manage.py migrate`` and ``seed_demo`` (development settings: seed_demo
    only runs with DEBUG on). ``without``: environment variables to leave out."""
    env = dev_env(db_url, media)
    for name in without:
        env.pop(name, None)
    for args in (["migrate", "--noinput"], ["seed_demo"]):
        timed_manage(args, env)


def timed_manage(args, env):
    """``manage.py args``, printing its name and how long it took; returns
    (seconds, its output)."""
    started = time.perf_counter()
    print(f"  manage.py {' '.join(args[:2])}...", end=" ", flush=True)
    output = manage(args, env)
    seconds = time.perf_counter() - started
    print(f"{seconds:.1f} s", flush=True)
    return seconds, output


def collect_static(db_url, env=None, only_when_stale=False):
    """Collect static files with the production (manifest) storage. With
    ``only_when_stale``, skip it when static/staticfiles.json is newer than every
    source (it takes about 30 s on a busy 2-core machine)."""
    if only_when_stale and not static_files_stale():
        print("  collectstatic skipped: static/staticfiles.json is newer than every source")
        return
    timed_manage(["collectstatic", "--noinput"], env or production_env(db_url))


def static_files_stale():
    """Does ``collectstatic`` need to run? Yes unless static/staticfiles.json
    (the production manifest) is newer than every file in the project's static
    folders and than the installed packages; LOAD_COLLECTSTATIC=always forces it."""
    manifest = ROOT / "static" / "staticfiles.json"
    if os.environ.get("LOAD_COLLECTSTATIC", "") == "always" or not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    packages = glob.glob(str(ROOT / ".venv" / "lib" / "python*" / "site-packages"))
    sources = [Path(p) for p in packages]
    for folder in ROOT.glob("*/static"):
        if folder != ROOT / "static":
            sources += [p for p in folder.rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


# The certificates database benchmarks/certificate_bench.py builds; the
# renderer and layout probes read its certificates.
CERTS_DB_PATH = BENCH_DIR / "certs.sqlite3"


def open_certs_database():
    """Point Django (development settings) at CERTS_DB_PATH and set it up, in
    this process. Raises BenchError when certificate_bench.py has not built it."""
    if not CERTS_DB_PATH.exists():
        raise BenchError(f"{CERTS_DB_PATH} is missing: run benchmarks/certificate_bench.py first.")
    os.environ["DATABASE_URL"] = sqlite_url(CERTS_DB_PATH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curbside.settings.dev")
    import django

    django.setup()
