"""Many-row INSERT statements for a rebuild on PostgreSQL.

The writer sends each table's rows with ``executemany`` of one ``INSERT ...
VALUES (%s, ...)`` statement: one statement per row, which on PostgreSQL
costs the server about as much again as inserting the row (a rebuild's
document upsert and facet entries: 0.15 ms of server CPU per document).
Inside ``multi_row_inserts()`` such an ``executemany`` runs as statements
of up to PARAMETERS_PER_STATEMENT parameters each (``VALUES (...), (...),
...``), or, when every value is an integer (facet entries), as one
statement of one array per column (``SELECT * FROM unnest(...)``): the
same rows, the same ``ON CONFLICT`` clause, in the same order. A rebuild's
batches never hold a page twice, which a many-row upsert needs. Other
databases, and every other statement, run as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

# Parameters per statement at most (PostgreSQL takes 65,535).
PARAMETERS_PER_STATEMENT = 1600
_INSERT = re.compile(r"(INSERT INTO .+? VALUES )(\((?:%s, )*%s\))(.*)", re.DOTALL)


def _many_rows(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    match = _INSERT.fullmatch(sql) if many else None
    if match is None:
        return execute(sql, params, many, context)
    head, row, tail = match.groups()
    rows = list(params)
    if rows and all(type(value) is int for one in rows for value in one):
        # Integers only (facet entries): one array per column, however many rows.
        arrays = ", ".join(["%s::bigint[]"] * row.count("%s"))
        columns = [list(column) for column in zip(*rows, strict=True)]
        head = head.removesuffix("VALUES ")
        context["cursor"].execute(f"{head}SELECT * FROM unnest({arrays}){tail}", columns)
        return None
    per_statement = max(1, PARAMETERS_PER_STATEMENT // row.count("%s"))
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        values = [value for one in part for value in one]
        # Through the cursor: ``execute`` here is the executemany.
        context["cursor"].execute(f"{head}{', '.join([row] * len(part))}{tail}", values)
    return None


@contextmanager
def multi_row_inserts() -> Iterator[None]:
    """On PostgreSQL, run this connection's many-row INSERTs as few
    statements; elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(_many_rows):
        yield
