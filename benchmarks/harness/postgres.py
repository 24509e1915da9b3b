"""PostgreSQL for the benchmarks: a throw-away cluster, or a named database.

``throwaway_postgres(port, dbname)`` starts a cluster in a temporary folder on
127.0.0.1 (``initdb -A trust`` + ``pg_ctl start``, as the ``postgres`` OS user
when run as root, like .ci/run), creates ``dbname`` and yields a ``Cluster``.
Whatever happens (a failure, Ctrl-C, SIGTERM) it stops the server and deletes
the folder at exit. Every failure is a ``BenchError`` that says what to do.

``recreate_database(url, marker, variable)`` drops and re-creates a database
someone named, when its name contains ``marker`` (so a mistyped URL cannot
wipe real data).
"""

import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import BenchError

PG_OS_USER = "postgres"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def postgres_bin_dir():
    """The newest installed PostgreSQL's bin folder, or None."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster this process started (and may restart)."""

    bin_dir: Path
    data: Path
    port: int
    dbname: str
    as_user: list = field(default_factory=list)
    options: str = ""

    @property
    def version(self):
        return self.bin_dir.parent.name

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def pg_ctl(self, *args, check=True):
        command = [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args]
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise BenchError(
                f"pg_ctl {' '.join(args)} failed:\n{result.stdout}{result.stderr}{self.log_tail()}"
            )
        return result

    def start(self):
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} {self.options}"
        self.pg_ctl("-l", str(self.data / "server.log"), "-w", "-o", options.strip(), "start")

    def stop(self, mode="fast", check=True):
        self.pg_ctl("-m", mode, "-w", "stop", check=check)

    def server_pid(self):
        """The postmaster's pid (its backends are its children), or None."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def log_tail(self, lines=20):
        try:
            text = (self.data / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def run_as_user():
    """The command prefix that runs PostgreSQL's programs as the right OS user."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        pwd.getpwnam(PG_OS_USER)
    except KeyError:
        raise BenchError(
            f"Running as root, but there is no {PG_OS_USER!r} OS user to run PostgreSQL as."
        ) from None
    return ["runuser", "-u", PG_OS_USER, "--"]


def port_is_free(port):
    with contextlib.closing(socket.socket()) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _exit_on_sigterm(signum, frame):
    raise SystemExit(143)


@contextlib.contextmanager
def stopped_by_sigterm():
    """Turn SIGTERM into SystemExit(143) meanwhile, so ``finally`` blocks run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# A server setting for the command line: a name, "=", a plain value.
SETTING = re.compile(r"[a-z_]+=[A-Za-z0-9_.]+")


@contextlib.contextmanager
def throwaway_postgres(port, dbname, *, durable=True, hint="", settings=()):
    """Start a cluster on 127.0.0.1:``port`` with an empty database ``dbname``;
    stop it and delete its folder at exit. ``durable=False`` turns fsync off, as
    .ci/run does (a fast stop is still clean). ``settings`` are more server
    settings, "name=value" (e.g. "shared_buffers=1GB"). ``hint`` ends the
    error messages (e.g. which variable chooses another port or database)."""
    hint = f" {hint}" if hint else ""
    for setting in settings:
        if not SETTING.fullmatch(setting):
            raise BenchError(
                f"Not a server setting: {setting!r} (name=value, e.g. shared_buffers=1GB)"
            )
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise BenchError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            f"apt-get install postgresql.{hint}"
        )
    as_user = run_as_user()
    if not port_is_free(port):
        raise BenchError(f"Port {port} is in use; cannot start a PostgreSQL cluster there.{hint}")
    options = "" if durable else "-c fsync=off -c full_page_writes=off"
    options = " ".join([options, *(f"-c {setting}" for setting in settings)]).strip()
    with stopped_by_sigterm():
        data = Path(tempfile.mkdtemp(prefix="curbside-bench-pg."))
        cluster = Cluster(bin_dir, data, port, dbname, as_user, options)
        try:
            if as_user:
                shutil.chown(data, PG_OS_USER)
            print(f"Starting a throw-away PostgreSQL ({cluster.version}) on port {port}...")
            result = subprocess.run(
                [
                    *as_user,
                    str(bin_dir / "initdb"),
                    *("-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
                    "--locale=C.UTF-8",
                ],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BenchError(f"initdb failed:\n{result.stdout}{result.stderr}")
            cluster.start()
            create_database(cluster.url, drop=False)
            yield cluster
        finally:
            # Also after a failed start: pg_ctl may have left a server behind.
            if (data / "postmaster.pid").exists():
                cluster.stop(mode="fast", check=False)
            shutil.rmtree(data, ignore_errors=True)


def check_database_url(url, marker, variable, loopback=True):
    """Refuse a URL that is not PostgreSQL, not on loopback (when ``loopback``),
    or whose database name lacks ``marker``. Returns the database name."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"{variable} must be a PostgreSQL URL.")
    if loopback and parts.hostname not in LOOPBACK:
        raise BenchError(f"{variable} must be on loopback.")
    name = parts.path.lstrip("/")
    if marker not in name:
        raise BenchError(
            f"The database {variable} names is dropped and re-created, so its name must "
            f"contain {marker!r} (got {name!r}), e.g. postgres://postgres@127.0.0.1/"
            f"curbside_{marker}."
        )
    return name


def _admin_url(url):
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def create_database(url, drop=True, template=None):
    """Create the database ``url`` names (dropping it first when ``drop``),
    as a copy of the database ``template`` when one is named."""
    import psycopg
    from psycopg import sql

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    try:
        with psycopg.connect(_admin_url(url), autocommit=True) as conn:
            if drop:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            conn.execute(create)
    except psycopg.Error as exc:
        raise BenchError(f"Could not create the database {name!r}: {exc}") from exc


def database_exists(url, name):
    """Is there a database ``name`` on the server of ``url``?"""
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def recreate_database(url, marker, variable, loopback=True):
    check_database_url(url, marker, variable, loopback)
    create_database(url, drop=True)


def prewarm(url, relations):
    """Read these tables and indexes into shared buffers (pg_prewarm);
    {relation: 8 kB blocks read}."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        return {
            name: conn.execute("SELECT pg_prewarm(%s::regclass)", [name]).fetchone()[0]
            for name in relations
        }


def server_settings(url, names=("shared_buffers", "huge_pages")):
    import psycopg

    with psycopg.connect(url) as conn:
        return {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in names}


def server_version(url):
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def query(url, statement):
    """One statement on its own connection; the first row, or None."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchone() if cursor.description else None
