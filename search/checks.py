"""System checks: a configured search engine that cannot be reached, a
PostgreSQL server whose shared buffers are too small for the embedded
engine's search table, a SQLite site whose index shares its database (with
--deploy), and an index database of its own without its tables.

Warnings, not errors: the site keeps serving, but whoever runs `manage.py
check` (or starts the server, or runs `migrate`) should know."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .database import SEARCH_DB_ALIAS, index_db, separate_index
from .engines import get_external_engine
from .engines.postgres_shards import INDEX_NAMES


@register("search")
def external_engine_reachable(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    engine = get_external_engine()
    if engine is None:
        return []
    return [
        Warning(
            problem,
            hint="Searches fall back to the embedded engine and index updates stay queued "
            "until it is back; check ELASTICSEARCH_URL and the cluster.",
            id="search.W001",
        )
        for problem in engine.problems()
    ]


# The full-text index every PostgreSQL search goes through, in its shards
# (migration 0010).
SEARCH_VECTOR_INDEXES = INDEX_NAMES
MB = 1024 * 1024


def search_read_bytes(connection: BaseDatabaseWrapper) -> int | None:
    """On PostgreSQL, the bytes a search reads from: the document table
    (each match's row, with its search vector) and its full-text index.
    None before the search tables are migrated."""
    from .models import IndexedDocument

    names = [IndexedDocument._meta.db_table, *SEARCH_VECTOR_INDEXES]
    sizes = " + ".join("pg_relation_size(to_regclass(%s))" for _ in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sizes}", names)
        size = cursor.fetchone()[0]
    return None if size is None else int(size)


def shared_buffer_bytes(connection: BaseDatabaseWrapper) -> int:
    """PostgreSQL's shared_buffers in bytes (pg_settings gives it in blocks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting::bigint * current_setting('block_size')::bigint "
            "FROM pg_settings WHERE name = 'shared_buffers'"
        )
        return int(cursor.fetchone()[0])


def _megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB"


@register(Tags.database, "search")
def postgres_buffers_hold_search(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """search.W002 (with --database, and in `migrate`): on PostgreSQL, the
    search table and its full-text index take more than half of
    shared_buffers. Every search reads its matches' rows; pages not in the
    buffers are copied from the operating system's cache each time (at
    100,000 guides, a 391 MB table and index: median search 16-19 ms with
    the default 128 MB, 12 ms with 1 GB; docs/search.md). Half, so the
    buffers keep room for the rest of the database."""
    messages: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        needed = search_read_bytes(connection)
        buffers = shared_buffer_bytes(connection)
        if needed is None or 2 * needed <= buffers:
            continue
        at_least = -(-2 * needed // (256 * MB)) * 256 * MB  # up to the next 256 MB
        messages.append(
            Warning(
                f"PostgreSQL's shared_buffers ({_megabytes(buffers)}) on {alias!r} is less "
                f"than twice the search table and its full-text index "
                f"({_megabytes(needed)}).",
                hint="Searches will copy their matches' rows from the operating system's "
                f"cache and slow down. Set shared_buffers to at least {_megabytes(at_least)} "
                "(about a quarter of the server's memory is the usual start) and restart "
                'PostgreSQL; see docs/search.md, "Sizing PostgreSQL for the embedded engine".',
                id="search.W002",
            )
        )
    return messages


@register("search", deploy=True)
def sqlite_index_has_its_own_file(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """search.W003 (--deploy): the site runs on SQLite and the index shares
    its file. SQLite has one write lock a file: while the index is rebuilt,
    each learner's write waits for the rebuild's transaction in progress
    (at 100,000 guides usually under 60 ms; over 100 ms twice in 142
    rebuilds: docs/search.md)."""
    site = connections[DEFAULT_DB_ALIAS]
    if site.vendor != "sqlite" or separate_index():
        return []
    return [
        Warning(
            "The search index shares the site's SQLite database: while it is rebuilt, "
            "learners' writes wait for the rebuild's transactions.",
            hint="Give the index a file of its own: set SEARCH_DATABASE_URL (for example "
            "sqlite:////srv/curbside/search.sqlite3), then run `make migrate` and "
            "`manage.py search_index rebuild`; see docs/search.md, "
            '"The index in a SQLite file of its own".',
            id="search.W003",
        )
    ]


@register(Tags.database, "search")
def index_database_migrated(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """search.W004 (with --database, and in `migrate`): the index has a
    database of its own (SEARCH_DATABASE_URL) and it has no index tables,
    as when only `manage.py migrate` ran. Checked whenever the site's
    database or the index's is, so a plain `migrate` says so."""
    wanted = {DEFAULT_DB_ALIAS, SEARCH_DB_ALIAS}
    if not separate_index() or not wanted & set(databases or ()):
        return []
    from .models import IndexedDocument

    with index_db.cursor() as cursor:
        tables = index_db.introspection.table_names(cursor)
    if IndexedDocument._meta.db_table in tables:
        return []
    return [
        Warning(
            "The search index's own database (SEARCH_DATABASE_URL) has no index tables: "
            "searches and index updates fail until it has them (updates stay queued).",
            hint="Run `manage.py migrate --database search` (`make migrate` runs both), "
            "then `manage.py search_index rebuild`.",
            id="search.W004",
        )
    ]
