"""Dump and load the whole database: SQLite through its online backup API
(a consistent copy while the site runs), PostgreSQL with pg_dump's custom
format and pg_restore. Each dump comes with a snapshot of what it holds (row
counts of the key tables, the applied migrations, the table names), read from
exactly the same state as the dump itself."""

import glob
import os
import shutil
import sqlite3
import subprocess

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from .errors import BackupError

# Counted in the manifest and checked after a restore.
COUNTED = {
    "users": settings.AUTH_USER_MODEL,
    "learner_profiles": "learning.LearnerProfile",
    "enrolments": "learning.Enrolment",
    "step_completions": "learning.StepCompletion",
    "test_attempts": "learning.TestAttempt",
    "evaluations": "learning.EvaluationResponse",
    "claims": "learning.CreditClaim",
    "certificates": "learning.Certificate",
    "certificate_events": "learning.CertificateEvent",
    "pages": "wagtailcore.Page",
    "images": "wagtailimages.Image",
    "documents": "wagtaildocs.Document",
}
# A freshly migrated database has pages (the root, the home page) and groups,
# but none of these: any of them means the database holds someone's data.
DATA_KEYS = ("users", "enrolments", "claims", "certificates", "images", "documents")
SQLITE_NAME = "database/curbside.sqlite3"
POSTGRES_NAME = "database/curbside.pgdump"


def vendor():
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def member_name():
    return SQLITE_NAME if vendor() == "sqlite" else POSTGRES_NAME


def _tables():
    return {key: apps.get_model(label)._meta.db_table for key, label in COUNTED.items()}


def _snapshot(cursor, table_names):
    """Counts, migrations and tables, read through ``cursor`` (a DB-API cursor)."""
    counts = {}
    for key, table in _tables().items():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (model table names)
        counts[key] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    return {"counts": counts, "migrations": migrations, "tables": sorted(table_names)}


def current_state():
    """The live database's snapshot (used before and after a restore)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        if "django_migrations" not in names:
            return {"counts": {}, "migrations": {}, "tables": sorted(names)}
        return _snapshot(cursor, names)


def holds_data(state):
    return any(state["counts"].get(key) for key in DATA_KEYS)


def _outside_transaction():
    if connection.in_atomic_block:
        raise BackupError("Backups and restores cannot run inside a database transaction.")
    connection.ensure_connection()


# --- SQLite -------------------------------------------------------------------


def _sqlite_tables(db):
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [name for (name,) in rows if not name.startswith("sqlite_")]


def dump(path):
    """Write the database to ``path``; return its snapshot."""
    _outside_transaction()
    if vendor() == "sqlite":
        return _dump_sqlite(path)
    return _dump_postgres(path)


def _dump_sqlite(path):
    target = sqlite3.connect(path)
    try:
        # One consistent copy, page by page, while other connections go on
        # reading and writing (they wait only while it runs).
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copied SQLite database fails its integrity check: {check}")
        return _snapshot(target.cursor(), _sqlite_tables(target))
    finally:
        target.close()


def inspect_sqlite(path):
    """The snapshot of a dumped SQLite file (read-only)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _snapshot(db.cursor(), _sqlite_tables(db))
    finally:
        db.close()


def load(path):
    """Replace the whole database with the dump at ``path``."""
    _outside_transaction()
    if vendor() == "sqlite":
        _load_sqlite(path)
    else:
        _load_postgres(path)


def _load_sqlite(path):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # The backup API in the other direction: the live database's pages
        # are replaced in one write transaction, so other connections see
        # either the old database or the restored one, never a mixture.
        source.backup(connection.connection)
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------


def pg_tool(name):
    """pg_dump or pg_restore: PG_BINDIR if set, else on PATH, else the newest
    of /usr/lib/postgresql/*/bin (Debian and Ubuntu)."""
    bindir = os.environ.get("PG_BINDIR", "")
    candidates = [os.path.join(bindir, name)] if bindir else []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    versioned = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates += sorted(versioned, key=lambda p: int(p.split("/")[4]), reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} was not found: install the PostgreSQL client or set PG_BINDIR.")


def pg_env():
    """Connection settings for the PostgreSQL tools, passed in their
    environment: the password never appears on a command line."""
    s = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
    }
    options = s.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        values[variable] = options.get(option)
    for variable, value in values.items():
        if value:
            env[variable] = str(value)
    return env


def _run(command, what):
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        command, env=pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def _dump_postgres(path):
    with transaction.atomic(), connection.cursor() as cursor:
        # Counts and pg_dump read one and the same snapshot of the database.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        state = _snapshot(cursor, connection.introspection.table_names(cursor))
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot_id}",
                f"--file={path}",
            ],
            "pg_dump",
        )
    return state


def _load_postgres(path):
    # Django's own connection must hold no locks while tables are replaced.
    connection.close()
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        "pg_restore",
    )
    connection.close()
