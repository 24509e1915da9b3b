"""A real varnishd with the repository's VCL (deploy/varnish/curbside.vcl) in
front of a test server, on a free loopback port in a temporary folder.

Tests that need it skip on a laptop without Varnish and fail in CI
(tests/availability.py); CI installs Debian's ``varnish`` package."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.availability import require

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "curbside.vcl"
VARNISHD = os.environ.get("VARNISHD", shutil.which("varnishd") or "/usr/sbin/varnishd")
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vcl_for(backend_port: int) -> str:
    """The repository's VCL with both app servers on ``backend_port``."""
    text = VCL.read_text()
    text, count = re.subn(r'\.port = "\d+";', f'.port = "{backend_port}";', text)
    assert count == 2, "the VCL should name two app servers"
    # No health probe: between tests the test server's /healthz may not reach
    # the database, and a backend marked sick would fail the next test.
    text = re.sub(r"\nprobe healthz \{.*?\n\}\n", "\n", text, flags=re.S)
    return text.replace(".probe = healthz;", "")


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


class Varnish:
    def __init__(self, backend_port: int):
        require(os.path.exists(VARNISHD), f"varnishd ({VARNISHD})")
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="curbside-varnish-")
        vcl = Path(self.folder) / "curbside.vcl"
        vcl.write_text(vcl_for(backend_port))
        self.log = open(Path(self.folder) / "varnishd.log", "w+")  # noqa: SIM115
        # As root, varnishd would switch to its own user, who cannot read
        # this private folder: no jail (it listens on loopback only).
        jail = ["-j", "none"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen(  # noqa: S603
            [
                VARNISHD,
                "-F",
                *jail,
                "-n",
                str(Path(self.folder) / "work"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-f",
                str(vcl),
                "-s",
                "malloc,32m",
                "-T",
                "none",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.output()
                    self.stop()
                    raise RuntimeError(f"varnishd did not start:\n{output}") from None
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def request(self, path: str, method: str = "GET", headers=None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def get(self, path: str, cookie: str | None = None) -> Answer:
        return self.request(path, headers={"Cookie": cookie} if cookie else {})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
