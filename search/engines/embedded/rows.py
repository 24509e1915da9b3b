"""The document table: a SearchDocument's row values and facet values, rows
locked for writing, and results (hits) read back from rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.backends.utils import CursorWrapper
from django.db.models import Field

from search.database import index_db
from search.models import FacetValue as StoredFacetValue
from search.models import IndexedDocument

from ..base import Hit, SearchDocument
from .bulk import insert_rows, insert_typed_rows, update_rows


def row_values(document: SearchDocument) -> dict:
    return {
        "kind": document.kind,
        "title": document.title,
        "url": document.url,
        "summary": document.summary,
        "objectives": document.objectives,
        "body": document.body,
        "meta": document.meta_text,
        "mentor_names": "\n".join(name for _, name in document.mentors),
        "topic_labels": "\n".join(label for _, label in document.topics),
        "credits": document.credits,
        "release_date": document.release_date,
        "last_reviewed": document.last_reviewed,
    }


_COLUMNS = (
    "page_id",
    "kind",
    "title",
    "url",
    "summary",
    "objectives",
    "body",
    "meta",
    "mentor_names",
    "topic_labels",
    "credits",
    "release_date",
    "last_reviewed",
    "indexed_at",
    "stamp",
)
# PostgreSQL rows also carry their facet value ids (migration 0004).
_FACET_COLUMN = "facet_ids"
# What a write changes that is not the document: a row that would only get
# these new is left alone (write_document_rows).
_WRITE_ONLY = ("indexed_at", "stamp")


def upsert_statement() -> tuple[str, int, str]:
    """The upsert of document rows, for bulk.insert_rows: (INSERT INTO
    table (columns), the number of columns, ON CONFLICT clause). A row is
    inserted, or replaced in place when the page already has one (its id,
    and so its facet and full-text entries' keys, stay). SQLite 3.24+ and
    PostgreSQL both take this form."""
    columns = _columns()
    return (
        f"INSERT INTO search_indexeddocument ({', '.join(columns)})",
        len(columns),
        " ON CONFLICT (page_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns[1:]),
    )


def _columns() -> tuple[str, ...]:
    return _COLUMNS + ((_FACET_COLUMN,) if index_db.vendor == "postgresql" else ())


def _sql_type(column: str) -> str:
    if column == _FACET_COLUMN:
        return "integer[]"
    field = IndexedDocument._meta.get_field(column)
    assert isinstance(field, Field)
    return field.db_type(index_db) or "text"


def write_document_rows(cursor: CursorWrapper, upserts: list[list[Any]]) -> dict[int, int]:
    """Write these rows (upsert_params, in page order) and return {page id:
    row id}. Callers hold a transaction.

    On PostgreSQL the pages' rows are locked in page order first (as
    ``locked_rows``), those there are updated in place (bulk.update_rows:
    each tsvector parsed once, where the upsert parsed it twice) and only
    new pages go through the upsert (a row another writer added in the
    meantime is still replaced, not duplicated). A row whose document is
    unchanged, facet value ids included, is not written at all: it keeps
    its stamp (so no process re-reads its facet entries) and its
    ``indexed_at`` (when its document last changed). Rewriting it left a
    dead row version and a second set of GIN entries: a rebuild of 100,000
    unchanged guides grew the table from 347 to 669 MB and its GIN index
    from 39 to 92 MB, and searches at 128 MB of shared buffers went from a
    median of 16.6 ms to 21.4 (17.5 after VACUUM; docs/benchmarks.md,
    "fourteenth pass"). On SQLite, whose rows do not hold their facet value
    ids, the upsert as it is."""
    head, count, tail = upsert_statement()
    page_ids = [row[0] for row in upserts]
    if index_db.vendor != "postgresql":
        insert_rows(cursor, head, count, upserts, tail)
        marks = ", ".join(["%s"] * len(page_ids))
        cursor.execute(
            f"SELECT page_id, id FROM search_indexeddocument WHERE page_id IN ({marks})",
            page_ids,
        )
        return dict(cursor.fetchall())
    cursor.execute(
        "SELECT page_id, id FROM search_indexeddocument WHERE page_id = ANY(%s) "
        "ORDER BY page_id FOR UPDATE",
        [page_ids],
    )
    by_page: dict[int, int] = dict(cursor.fetchall())
    typed = [(c, _sql_type(c)) for c in _columns()]
    update_rows(
        cursor,
        "search_indexeddocument",
        [("id", "bigint"), *typed[1:]],
        [[by_page[row[0]], *row[1:]] for row in upserts if row[0] in by_page],
        compared=[c for c, _ in typed[1:] if c not in _WRITE_ONLY],
    )
    new = [row for row in upserts if row[0] not in by_page]
    if new:
        returned = insert_typed_rows(
            cursor, "search_indexeddocument", typed, new, f"{tail} RETURNING page_id, id"
        )
        by_page.update(returned)
    return by_page


def prepared_now(now: datetime.datetime) -> Any:
    """``indexed_at`` as the ORM would send it to this database."""
    return IndexedDocument._meta.get_field("indexed_at").get_db_prep_save(now, index_db)


def upsert_params(
    document: SearchDocument, now: Any, facet_ids: list[int], stamp: int
) -> list[Any]:
    """upsert_statement()'s parameters for one document (``now`` from
    prepared_now, ``facet_ids`` the ids of its facet values, kept on
    PostgreSQL only, ``stamp`` the write's facet_matrix token). Dates go as
    they are (both drivers take them); credits as the ORM sends them."""
    values = {
        "page_id": document.page_id,
        **row_values(document),
        "indexed_at": now,
        "stamp": stamp,
        _FACET_COLUMN: sorted(set(facet_ids)),
    }
    if document.credits is not None:
        field = IndexedDocument._meta.get_field("credits")
        values["credits"] = field.get_db_prep_save(document.credits, index_db)
    return [values[c] for c in _columns()]


def facet_pairs(document: SearchDocument) -> dict[tuple[str, str], str]:
    """{(facet, value): label} for one document."""
    return {
        (facet, value[:100]): label[:200]
        for facet, values in document.facet_values().items()
        for value, label in values
    }


def facet_value_ids(pairs: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
    """Ids of these facet values, creating them or refreshing their labels (a
    mentor's new name)."""
    if not pairs:
        return {}
    StoredFacetValue.objects.bulk_create(
        [
            StoredFacetValue(facet=f, value=v, label=label)
            for (f, v), label in sorted(pairs.items())
        ],
        update_conflicts=True,
        unique_fields=["facet", "value"],
        update_fields=["label"],
    )
    ids: dict[tuple[str, str], int] = {}
    for facet in {f for f, _ in pairs}:
        values = [v for f, v in pairs if f == facet]
        stored = StoredFacetValue.objects.filter(facet=facet, value__in=values)
        for value, pk in stored.values_list("value", "pk"):
            ids[(facet, value)] = pk
    return ids


def locked_rows(page_ids: list[int]) -> dict[int, IndexedDocument]:
    return {
        row.page_id: row
        for row in IndexedDocument.objects.select_for_update()
        .filter(page_id__in=page_ids)
        .order_by("page_id")
    }


def hit_rows(ids: list[int]) -> dict[int, IndexedDocument]:
    """{row id: row} without the long texts a result does not show."""
    return {
        row.id: row
        for row in IndexedDocument.objects.filter(id__in=ids).defer("body", "objectives", "meta")
    }


def hits_from_rows(
    ids: list[int], rows: dict[int, IndexedDocument], marked: dict[int, tuple[str, str]]
) -> tuple[Hit, ...]:
    """Hits in the order of `ids`, with the (title, snippet) highlights in
    `marked` where there are some."""
    found: list[Hit] = []
    for row_id in ids:
        row = rows.get(row_id)
        if row is None:  # removed between the two queries
            continue
        title, snippet = marked.get(row_id, (row.title, ""))
        found.append(
            Hit(
                page_id=row.page_id,
                kind=row.kind,
                title=row.title,
                url=row.url,
                summary=row.summary,
                title_highlight=title or row.title,
                snippet=snippet or row.summary,
                mentors=tuple(n for n in row.mentor_names.split("\n") if n),
                topics=tuple(t for t in row.topic_labels.split("\n") if t),
                credits=row.credits,
                release_date=_as_date(row.release_date),
            )
        )
    return tuple(found)


def _as_date(value: datetime.date | str | None) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value
