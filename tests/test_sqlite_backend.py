"""The SQLite backend (curbside/db_backends/sqlite3): a transaction that finds
the write lock taken waits for it in short steps, gets it once it is free,
and gives up with SQLite's own message after the busy timeout.

Each test uses a database file of its own, a real second connection holding
the lock, and a connection made by the backend as settings make it."""

from __future__ import annotations

import sqlite3
import threading
import time

from django.db import OperationalError
from django.db.utils import ConnectionHandler

import pytest

from curbside.db_backends.sqlite3.base import DatabaseWrapper

# pytest-django lets a test open database connections only when it is marked.
pytestmark = pytest.mark.django_db


@pytest.fixture
def database_file(tmp_path):
    path = tmp_path / "lock.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE write (id INTEGER PRIMARY KEY, who TEXT NOT NULL)")
    return path


def wrapper(path, timeout):
    settings = ConnectionHandler().configure_settings(
        {
            "default": {},
            "lockwait": {
                "ENGINE": "curbside.db_backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            },
        }
    )
    return DatabaseWrapper(settings["lockwait"], alias="lockwait")


def hold_lock(path):
    """A second connection holding the write lock, as a rebuild's batch does."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO write (who) VALUES ('holder')")
    return holder


def busy_timeout(db):
    with db.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


def write_in_transaction(db, who):
    """What transaction.atomic does on this connection: BEGIN, write, COMMIT."""
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    began = time.monotonic()
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO write (who) VALUES (%s)", [who])
        cursor.execute("COMMIT")
    return began


def test_a_transaction_waits_for_the_write_lock_and_then_writes(database_file):
    db = wrapper(database_file, timeout=5)
    holder = hold_lock(database_file)
    released = []

    def release_soon():
        time.sleep(0.15)
        released.append(time.monotonic())
        holder.execute("COMMIT")

    thread = threading.Thread(target=release_soon)
    thread.start()
    try:
        began = write_in_transaction(db, "learner")
    finally:
        thread.join()
        holder.close()
    # It began only once the other connection had let go, and both writes are kept.
    assert began >= released[0]
    with db.cursor() as cursor:
        cursor.execute("SELECT who FROM write ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["holder", "learner"]
    # The connection's busy timeout, for statements outside a transaction, is back.
    assert busy_timeout(db) == 5000
    db.close()


def test_a_transaction_gives_up_after_the_busy_timeout_and_the_connection_still_works(
    database_file,
):
    db = wrapper(database_file, timeout=0.2)
    holder = hold_lock(database_file)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            write_in_transaction(db, "learner")
        assert busy_timeout(db) == 200
    finally:
        holder.execute("COMMIT")
        holder.close()
    write_in_transaction(db, "learner, again")
    with db.cursor() as cursor:
        cursor.execute("SELECT who FROM write ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["holder", "learner, again"]
    db.close()


def test_errors_other_than_a_busy_lock_are_raised_at_once(database_file):
    db = wrapper(database_file, timeout=5)
    db.ensure_connection()
    db.connection.execute("BEGIN")  # already in a transaction: BEGIN again is an error
    with pytest.raises(OperationalError, match="within a transaction"):
        db._start_transaction_under_autocommit()
    db.connection.execute("ROLLBACK")
    assert busy_timeout(db) == 5000
    db.close()


@pytest.mark.sqlite
def test_a_sqlite_database_url_gets_this_backend():
    # settings/databases.py swaps it in for Django's whenever DATABASE_URL is SQLite.
    from django.db import connections

    assert isinstance(connections["default"], DatabaseWrapper)
