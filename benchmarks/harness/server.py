"""gunicorn with production settings on a free loopback port, and wrk to load it."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import BENCH_DIR, ROOT, BenchError
from benchmarks.harness.processes import process_tree_cpu_seconds, production_env

SERVER_LOG = BENCH_DIR / "gunicorn.log"
GUNICORN_WORKERS = 2
SERVER_START_TIMEOUT = 30
WRK_THREADS = 2
WRK_CONNECTIONS = 10
WARMUP_SECONDS = 3
WRK_REPORT = ROOT / "benchmarks" / "wrk_report.lua"
RESULT_PREFIX = "BENCH_JSON "


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def send(base_url, method, path, headers=None, body=None, timeout=10):
    """One request without following redirects: (status, headers, body text)."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, dict(response.getheaders()), text
    finally:
        conn.close()


def get_status(base_url, path, timeout=5):
    """Status code of a GET, without following redirects."""
    return send(base_url, "GET", path, timeout=timeout)[0]


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
    command = [sys.executable, "-m", "gunicorn", app, "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}"]
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


# wrk --------------------------------------------------------------------------


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


def parse_wrk_output(output, prefix=RESULT_PREFIX):
    for line in output.splitlines():
        if line.startswith(prefix):
            return json.loads(line.removeprefix(prefix))
    raise BenchError(f"wrk printed no {prefix.strip()} line:\n{output}")


def warm_up(
    url, seconds=WARMUP_SECONDS, threads=WRK_THREADS, connections=WRK_CONNECTIONS, wrk="wrk"
):
    """Load ``url`` briefly so caches and lazy imports are warm; discard the figures."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"wrk warm-up failed on {url}:\n{result.stdout}{result.stderr}")


def load_with_wrk(
    url,
    duration,
    threads=WRK_THREADS,
    connections=WRK_CONNECTIONS,
    wrk="wrk",
    script=WRK_REPORT,
    script_args=(),
):
    """Load ``url`` for ``duration`` seconds with the Lua hook ``script`` (its
    ``script_args`` after ``--``); return wrk's figures and its whole output."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-s", str(script), url]
    if script_args:
        command += ["--", *map(str, script_args)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    figures = parse_wrk_output(result.stdout)
    seconds = figures["duration_us"] / 1_000_000
    figures["rps"] = figures["requests"] / seconds if seconds else 0.0
    return figures, result.stdout


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
    return load_with_wrk(url, duration, threads, connections, wrk)[0]
