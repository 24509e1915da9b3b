"""Benchmark public page serving under gunicorn with production settings.

Run it with ``make bench`` or ``.venv/bin/python benchmarks/http_bench.py``.

The script never touches the developer's data: it builds a throw-away SQLite
database in var/bench/ (migrate + seed_demo), collects static files, starts
gunicorn on a free local port with production-like settings, drives every URL
in ``PAGES`` with wrk and prints a Markdown table. Raw figures go to
var/bench/results-http.json. Exit status: 0 when every request answered 2xx,
1 when any request errored or answered non-2xx (a page that does not answer
2xx before the load starts counts too), 2 when a tool is missing or the
setup broke.

Environment: BENCH_DURATION (seconds per URL, default 15).

The steps are plain functions so other benchmark scripts can reuse them::

    from benchmarks import http_bench

    http_bench.PAGES.append(http_bench.BenchPage("path page", "/paths/some-path/"))
    raise SystemExit(http_bench.main())
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DB_PATH = BENCH_DIR / "bench.sqlite3"
RESULTS_PATH = BENCH_DIR / "results-http.json"
SERVER_LOG = BENCH_DIR / "gunicorn.log"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"

GUNICORN_WORKERS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 10
WARMUP_SECONDS = 3
DEFAULT_DURATION = 15
SERVER_START_TIMEOUT = 30
RESULT_PREFIX = "BENCH_JSON "


@dataclass(frozen=True)
class BenchPage:
    """One URL to benchmark: a short name for the table and a path on the site."""

    name: str
    path: str


# Later scenarios append to this list (see the module docstring).
PAGES: list[BenchPage] = [
    BenchPage("home", "/"),
    BenchPage("guide page", "/guides/mi-in-young-women/"),
    BenchPage("guide index", "/guides/"),
]


class BenchError(Exception):
    """The benchmark could not run (as opposed to: it ran and requests failed)."""


class PageStatusError(BenchError):
    """A page answered something other than 2xx before the load started."""


# Setup ---------------------------------------------------------------------


def database_url(db_path=DB_PATH):
    return f"sqlite:///{Path(db_path).resolve()}"


def base_env(db_url):
    """Environment shared by every step: the bench database and media folder."""
    env = os.environ.copy()
    env.update(
        DATABASE_URL=db_url,
        MEDIA_ROOT=str(BENCH_DIR / "media"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def production_env(db_url):
    """Production settings, with the HTTPS-only switches off for plain local HTTP."""
    env = base_env(db_url)
    env.update(
        DJANGO_SETTINGS_MODULE="curbside.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(args, env):
    """Run ``manage.py`` quietly; show its output only when it fails."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(
            f"`manage.py {' '.join(args)}` failed with exit status {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def build_database(db_path=DB_PATH):
    """Create a fresh, seeded SQLite database and return its DATABASE_URL."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_url = database_url(db_path)
    env = base_env(db_url)
    # seed_demo only runs with DEBUG on, so it uses the development settings.
    env.update(DJANGO_SETTINGS_MODULE="curbside.settings.dev", DJANGO_DEBUG="true")
    print(f"Building {db_path.relative_to(ROOT)}: migrate...", flush=True)
    manage(["migrate", "--noinput"], env)
    print("  seed_demo...", flush=True)
    manage(["seed_demo"], env)
    return db_url


def collect_static(db_url):
    """Collect static files with the production (manifest) storage."""
    print("Collecting static files...", flush=True)
    manage(["collectstatic", "--noinput"], production_env(db_url))


# Server --------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_status(base_url, path, timeout=5):
    """Status code of a GET, without following redirects."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    workers: int
    log_path: Path

    def stop(self):
        """Stop gunicorn and its workers (the whole process group it leads)."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def cpu_seconds(self):
        """CPU time used so far by gunicorn and its workers (Linux only, else None)."""
        return process_tree_cpu_seconds(self.process.pid)

    def log_tail(self, lines=30):
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def process_tree_cpu_seconds(root_pid):
    """User + system CPU seconds of a process and its descendants, read from /proc.

    Unlike requests/s this hardly moves when other programs compete for the
    CPU, so it tells a slower server from a busy machine. None without /proc.
    """
    stats = {}
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except FileNotFoundError:
        return None
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    if root_pid not in stats:
        return None
    tree = {root_pid}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    ticks = sum(stats[pid][1] for pid in tree)
    return ticks / os.sysconf("SC_CLK_TCK")


def gunicorn_has_setting(name):
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == name for setting in KNOWN_SETTINGS)


def start_server(
    db_url, workers=GUNICORN_WORKERS, log_path=SERVER_LOG, app="curbside.wsgi:application", env=None
):
    """Start gunicorn with production settings; return once it answers on ``/``.

    ``env`` adds to or overrides the production environment (for variants).
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if gunicorn_has_setting("control_socket_disable"):
        # gunicorn >= 25 opens a control socket in ~/.gunicorn/ by default; the
        # benchmark does not need it, and concurrent runs would share the path.
        command.append("--no-control-socket")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**production_env(db_url), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() gets the workers too
        )
    server = Server(process, base_url, workers, log_path)
    print(f"Starting gunicorn ({workers} workers) on {base_url}...", flush=True)
    try:
        wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_ready(server, timeout=SERVER_START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"gunicorn exited early:\n{server.log_tail()}")
        try:
            get_status(server.base_url, "/", timeout=2)
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise BenchError(f"gunicorn did not answer within {timeout} s:\n{server.log_tail()}")


# Load generator ------------------------------------------------------------


def ensure_wrk():
    """Return the path to wrk, installing it when running as root."""
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing; installing it with apt-get...", flush=True)
        installed = (
            subprocess.run(["apt-get", "update"]).returncode == 0
            and subprocess.run(["apt-get", "install", "-y", "wrk"]).returncode == 0
        )
        wrk = shutil.which("wrk")
        if installed and wrk:
            return wrk
    print(
        "The HTTP benchmark needs the load generator wrk, which is not installed.\n"
        "Install it with:  sudo apt-get install -y wrk",
        file=sys.stderr,
    )
    raise SystemExit(2)


def bench_duration():
    raw = os.environ.get("BENCH_DURATION", "").strip()
    if not raw:
        return DEFAULT_DURATION
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BenchError(f"BENCH_DURATION must be a whole number of seconds, not {raw!r}.")
    return value


def parse_wrk_output(output):
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line.removeprefix(RESULT_PREFIX))
    raise BenchError(f"wrk printed no {RESULT_PREFIX.strip()} line:\n{output}")


def warm_up(
    url, seconds=WARMUP_SECONDS, threads=WRK_THREADS, connections=WRK_CONNECTIONS, wrk="wrk"
):
    """Load ``url`` briefly so caches and lazy imports are warm; discard the figures."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"wrk warm-up failed on {url}:\n{result.stdout}{result.stderr}")


def run_wrk(
    url,
    duration,
    threads=WRK_THREADS,
    connections=WRK_CONNECTIONS,
    warmup=WARMUP_SECONDS,
    wrk="wrk",
):
    """Warm up, then load ``url`` for ``duration`` seconds; return wrk's figures.

    The result has wrk's raw counters (microseconds) plus ``rps``.
    """
    if warmup:
        warm_up(url, warmup, threads, connections, wrk)
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(WRK_SCRIPT),
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    figures = parse_wrk_output(result.stdout)
    seconds = figures["duration_us"] / 1_000_000
    figures["rps"] = figures["requests"] / seconds if seconds else 0.0
    return figures


# Reporting -----------------------------------------------------------------


def environment_info(workers=GUNICORN_WORKERS, duration=None):
    import gunicorn

    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": usable_cpus(),
        "python": platform.python_version(),
        "gunicorn": gunicorn.__version__,
        "gunicorn_workers": workers,
        "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{duration}s",
        # Other programs running during the benchmark skew it; this shows if they were.
        "load_average_1min_at_start": load_average(),
    }


def usable_cpus():
    """What ``nproc`` prints: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def environment_line(info):
    return (
        f"Environment: nproc={info['nproc']}, Python {info['python']}, "
        f"gunicorn {info['gunicorn']} with {info['gunicorn_workers']} sync workers, "
        f"wrk {info['wrk']}, load average {info['load_average_1min_at_start']}, {info['date']}"
    )


def failed_requests(figures):
    return figures["errors"] + figures["non2xx"]


def print_table(results):
    """Print results (a list of dicts with name, path and wrk figures) as Markdown."""
    print("| page | URL | requests/s | median ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['name']} | `{row['path']}` | {row['rps']:.1f} | "
            f"{row['p50_us'] / 1000:.1f} | {row['p95_us'] / 1000:.1f} | "
            f"{failed_requests(row)} |"
        )


def write_results(info, results, path=RESULTS_PATH):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"environment": info, "results": results}, indent=2) + "\n")


def bench_pages(server, pages, duration, wrk="wrk"):
    """Check every page answers 2xx, then load each one in turn."""
    for page in pages:
        try:
            status = get_status(server.base_url, page.path)
        except OSError as exc:
            raise BenchError(f"{page.path} did not answer ({exc}):\n{server.log_tail()}") from exc
        if not 200 <= status < 300:
            raise PageStatusError(f"{page.path} answered HTTP {status}, expected 2xx.")
    results = []
    for page in pages:
        url = server.base_url + page.path
        print(f"Loading {page.path} for {duration} s...", flush=True)
        warm_up(url, wrk=wrk)
        cpu_before = server.cpu_seconds()
        figures = run_wrk(url, duration, warmup=0, wrk=wrk)
        cpu_after = server.cpu_seconds()
        if cpu_before is not None and cpu_after is not None and figures["requests"]:
            cpu_ms = (cpu_after - cpu_before) * 1000 / figures["requests"]
            figures["server_cpu_ms_per_request"] = round(cpu_ms, 2)
        results.append({"name": page.name, "path": page.path, **figures})
    return results


def main(pages=None):
    pages = PAGES if pages is None else pages
    wrk = ensure_wrk()
    try:
        duration = bench_duration()
        db_url = build_database()
        collect_static(db_url)
        server = start_server(db_url)
        try:
            info = environment_info(server.workers, duration)
            results = bench_pages(server, pages, duration, wrk=wrk)
        finally:
            server.stop()
    except PageStatusError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2

    write_results(info, results)
    print()
    print(environment_line(info))
    print()
    print_table(results)
    print()
    print(f"Raw results: {RESULTS_PATH.relative_to(ROOT)}")
    failures = [row for row in results if failed_requests(row)]
    if failures:
        names = ", ".join(row["name"] for row in failures)
        print(f"FAILED: some requests errored or answered non-2xx ({names}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
