"""Writing many rows in few statements.

The writer sends each table's rows together. With ``executemany`` that is
one statement per row, which on PostgreSQL costs the server about as much
again as inserting the row (a rebuild's document upserts and facet entries:
0.15 ms of server CPU per document). On PostgreSQL these functions send the
rows as statements of up to PARAMETERS_PER_STATEMENT parameters each
(``VALUES (...), (...), ...``), or, when every value is an integer (facet
entries), as one statement of one array per column (``SELECT * FROM
unnest(...)``): the same rows, the same ``ON CONFLICT`` clause, in the same
order. On SQLite, where a statement costs next to nothing, ``executemany``.
A many-row upsert must not hold one key twice: callers pass each page once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

# Parameters per statement at most (PostgreSQL takes 65,535).
PARAMETERS_PER_STATEMENT = 1600


def insert_rows(
    cursor: CursorWrapper, head: str, columns: int, rows: Sequence[Sequence[Any]], tail: str = ""
) -> None:
    """``{head} VALUES (%s, ...){tail}`` for each of these rows of `columns`
    values (`head` is "INSERT INTO table (columns)", `tail` an optional ON
    CONFLICT clause)."""
    if not rows:
        return
    one = "(" + ", ".join(["%s"] * columns) + ")"
    if connection.vendor != "postgresql":
        cursor.executemany(f"{head} VALUES {one}{tail}", rows)
        return
    per_statement = max(1, PARAMETERS_PER_STATEMENT // columns)
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        values = [value for row in part for value in row]
        cursor.execute(f"{head} VALUES {', '.join([one] * len(part))}{tail}", values)


def insert_integer_rows(
    cursor: CursorWrapper, head: str, columns: int, rows: Sequence[Sequence[int]]
) -> None:
    """As insert_rows, for rows of integers only: on PostgreSQL one
    statement of one array per column, however many rows."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        insert_rows(cursor, head, columns, rows)
        return
    arrays = ", ".join(["%s::bigint[]"] * columns)
    cursor.execute(
        f"{head} SELECT * FROM unnest({arrays})",
        [list(column) for column in zip(*rows, strict=True)],
    )
