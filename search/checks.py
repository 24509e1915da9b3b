"""System checks: a configured search engine that cannot be reached, and a
PostgreSQL server whose shared buffers are too small for the embedded
engine's search table.

Warnings, not errors: the site keeps serving, but whoever runs `manage.py
check` (or starts the server, or runs `migrate`) should know."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .engines import get_external_engine


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


# The full-text index every PostgreSQL search goes through (migration 0002).
SEARCH_VECTOR_INDEX = "search_doc_vector"
MB = 1024 * 1024


def search_read_bytes(connection: BaseDatabaseWrapper) -> int | None:
    """On PostgreSQL, the bytes a search reads from: the document table
    (each match's row, with its search vector) and its full-text index.
    None before the search tables are migrated."""
    from .models import IndexedDocument

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(to_regclass(%s)) + pg_relation_size(to_regclass(%s))",
            [IndexedDocument._meta.db_table, SEARCH_VECTOR_INDEX],
        )
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
