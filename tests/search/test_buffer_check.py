"""search.W002: on PostgreSQL, `manage.py check --database default` (and
`migrate`, which runs it) warns when shared_buffers cannot hold the search
table and its full-text index twice over, and says what to set."""

import io
import re

from django.core.management import call_command
from django.db import connection

import pytest

from search import checks
from search.documents import all_documents
from search.engines import get_embedded_engine

from .rebuild_helpers import _guides

UNITS = {"kB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def _shown_shared_buffers():
    """shared_buffers as the server shows it to people ("128MB"), in bytes."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        shown = cursor.fetchone()[0]
    number, unit = re.fullmatch(r"(\d+)(kB|MB|GB|TB)", shown).groups()
    return int(number) * UNITS[unit]


def _check_output():
    out, err = io.StringIO(), io.StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.postgres
def test_the_sizes_are_the_servers_own(db):
    assert checks.shared_buffer_bytes(connection) == _shown_shared_buffers()
    _guides(40)
    get_embedded_engine().rebuild(all_documents())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('search_indexeddocument'), "
            "pg_relation_size('search_doc_vector_s0') + pg_relation_size('search_doc_vector_s1'), "
            "sum(pg_column_size(search_vector)) FROM search_indexeddocument"
        )
        table, index, vectors = cursor.fetchone()
    # The table holds at least the documents' vectors, and the full-text
    # index (both its shards) is counted with it. (Earlier tests may have left the table
    # larger than this test's rows need: sizes do not shrink on rollback.)
    assert index > 0
    assert table >= vectors > 0
    assert checks.search_read_bytes(connection) == table + index


@pytest.mark.postgres
def test_no_warning_while_the_buffers_hold_the_search_table(db):
    _guides(3)
    get_embedded_engine().rebuild(all_documents())
    assert checks.postgres_buffers_hold_search(databases=["default"]) == []
    assert "search.W002" not in _check_output()


@pytest.mark.postgres
def test_a_server_with_too_few_buffers_is_told_what_to_set(db, monkeypatch):
    # shared_buffers is fixed when PostgreSQL starts, and the smallest a
    # server accepts (128 kB) still holds this test's table: the test
    # server's figure is replaced, the table's size is the real one.
    _guides(3)
    get_embedded_engine().rebuild(all_documents())
    needed = checks.search_read_bytes(connection)
    monkeypatch.setattr(checks, "shared_buffer_bytes", lambda connection: needed)

    warnings = checks.postgres_buffers_hold_search(databases=["default"])

    assert [w.id for w in warnings] == ["search.W002"]
    assert "less than twice the search table and its full-text index" in warnings[0].msg
    assert "Set shared_buffers to at least 256 MB" in warnings[0].hint
    assert "search.W002" in _check_output()
    # Without --database (as at start-up) the check reads nothing.
    assert checks.postgres_buffers_hold_search() == []


@pytest.mark.sqlite
def test_sqlite_has_no_shared_buffers_to_check(db):
    assert checks.postgres_buffers_hold_search(databases=["default"]) == []
