"""Writing many rows in few statements.

The writer sends each table's rows together. With ``executemany`` that is
one statement per row, which on PostgreSQL costs the server about as much
again as inserting the row (a rebuild's document upserts and facet entries:
0.15 ms of server CPU per document). On PostgreSQL rows go as one array
parameter per column (``unnest(%s::text[], ...)``), up to
PARAMETERS_PER_STATEMENT values a statement: the same rows, in the same
order. On SQLite, where a statement costs next to nothing, ``executemany``.
A many-row upsert must not hold one key twice: callers pass each page once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.utils import CursorWrapper

from search.database import index_db

# Values per statement at most (rows times columns).
PARAMETERS_PER_STATEMENT = 1600


def insert_rows(
    cursor: CursorWrapper, head: str, columns: int, rows: Sequence[Sequence[Any]], tail: str = ""
) -> None:
    """``{head} VALUES (%s, ...){tail}`` for each of these rows of `columns`
    values (`head` is "INSERT INTO table (columns)", `tail` an optional ON
    CONFLICT clause), by ``executemany``: for SQLite. PostgreSQL takes
    insert_typed_rows, or insert_integer_rows."""
    if rows:
        one = "(" + ", ".join(["%s"] * columns) + ")"
        cursor.executemany(f"{head} VALUES {one}{tail}", rows)


Columns = Sequence[tuple[str, str]]


def _unnest(columns: Columns, rows: Sequence[Sequence[Any]]) -> tuple[str, list, list[str]]:
    """PostgreSQL: ``unnest(%s::type[], ...) AS v (names)`` with one array
    parameter per column, the parameters, and each column's value as
    selected from ``v``.

    One parameter per column keeps the statement short: the driver parses a
    statement for its placeholders in Python and caches only short ones, so
    a ``VALUES`` list of 1,600 placeholders was parsed afresh each time
    (about 0.1 ms of the rebuild's Python per document under cProfile). An
    integer-array column goes as the text of each array, cast back in the
    select list (unnest would flatten an array of arrays)."""
    arrays, selected, params = [], [], []
    for index, (name, sql_type) in enumerate(columns):
        values = [row[index] for row in rows]
        if sql_type.endswith("[]"):
            values = [
                None if v is None else "{" + ",".join(str(int(x)) for x in v) + "}" for v in values
            ]
            arrays.append("%s::text[]")
            selected.append(f"v.{name}::{sql_type}")
        else:
            arrays.append(f"%s::{sql_type}[]")
            selected.append(f"v.{name}")
        params.append(values)
    names = ", ".join(name for name, _ in columns)
    return f"unnest({', '.join(arrays)}) AS v ({names})", params, selected


def _chunks(rows: Sequence[Sequence[Any]], columns: int) -> list[Sequence[Sequence[Any]]]:
    per_statement = max(1, PARAMETERS_PER_STATEMENT // columns)
    return [rows[start : start + per_statement] for start in range(0, len(rows), per_statement)]


def insert_typed_rows(
    cursor: CursorWrapper, table: str, columns: Columns, rows: Sequence[Sequence[Any]], tail: str
) -> list[tuple]:
    """PostgreSQL: ``INSERT INTO table (names) SELECT ... FROM unnest(...)
    {tail}`` for these rows, in their order; `columns` are (name, SQL type)
    pairs and `tail` an ON CONFLICT clause, maybe ending in RETURNING: the
    rows it returns. Up to PARAMETERS_PER_STATEMENT values a statement."""
    returned: list[tuple] = []
    names = ", ".join(name for name, _ in columns)
    for part in _chunks(rows, len(columns)):
        source, params, selected = _unnest(columns, part)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(selected)} FROM {source}{tail}",
            params,
        )
        if cursor.description is not None:
            returned += cursor.fetchall()
    return returned


def update_rows(
    cursor: CursorWrapper,
    table: str,
    columns: Columns,
    rows: Sequence[Sequence[Any]],
    compared: Sequence[str] = (),
) -> None:
    """PostgreSQL: ``UPDATE table SET c = v.c, ... FROM unnest(...) v WHERE
    table.key = v.key`` for these rows; `columns` are (name, SQL type)
    pairs, the key first, and each row gives their values in that order.
    With `compared` (names of some of the columns), a row whose values of
    those columns are all the same already is left as it is: no new row
    version, no index entries, no stored generated columns computed.

    Why not INSERT ... ON CONFLICT DO UPDATE for rows known to exist: that
    computes a table's stored generated columns twice, once for the row it
    would insert and again for the update (the document table's tsvectors:
    parsing the whole text twice)."""
    key = columns[0][0]
    for part in _chunks(rows, len(columns)):
        source, params, selected = _unnest(columns, part)
        pairs = list(zip((name for name, _ in columns[1:]), selected[1:], strict=True))
        assignments = ", ".join(f"{name} = {value}" for name, value in pairs)
        changed = ""
        if compared:
            olds = ", ".join(f"t.{name}" for name, _ in pairs if name in compared)
            news = ", ".join(value for name, value in pairs if name in compared)
            changed = f" AND ({olds}) IS DISTINCT FROM ({news})"
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {source} WHERE t.{key} = v.{key}{changed}",
            params,
        )


def insert_integer_rows(
    cursor: CursorWrapper, head: str, columns: int, rows: Sequence[Sequence[int]]
) -> None:
    """As insert_rows, for rows of integers only: on PostgreSQL one
    statement of one array per column, however many rows."""
    if not rows:
        return
    if index_db.vendor != "postgresql":
        insert_rows(cursor, head, columns, rows)
        return
    arrays = ", ".join(["%s::bigint[]"] * columns)
    cursor.execute(
        f"{head} SELECT * FROM unnest({arrays})",
        [list(column) for column in zip(*rows, strict=True)],
    )
