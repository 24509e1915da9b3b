"""On PostgreSQL a rebuild writes only the rows whose document changed
(search/engines/embedded/rows.py, write_document_rows). Rewriting an
unchanged row left a dead row version and a second set of GIN entries
behind: a rebuild of 100,000 unchanged guides doubled the table and made
searches slower, much slower until VACUUM (docs/benchmarks.md, "fourteenth
pass"). A changed document, even one whose only change is a facet value,
is still written with a new stamp, so the copy of the facet entries each
process keeps (facet_matrix.py) reads its entries again."""

import dataclasses
import datetime
import decimal

from django.db import connection

import pytest

from search.engines import SearchQuery, get_embedded_engine
from search.engines.base import SearchDocument

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _documents():
    return [
        SearchDocument(
            page_id=920000 + n,
            kind="guide",
            title=f"Escalating a deteriorating patient, ward {n}",
            url=f"/guides/escalation-{n}/",
            summary="When to call the outreach team, and what to say.",
            objectives="Use a structured call; document the plan.",
            body="Rising early warning score, new confusion, falling urine output.",
            topics=(("clinical", "Clinical judgment"),),
            mentors=(("rosa-okafor", "Rosa Okafor"),),
            credits=decimal.Decimal("0.50") if n % 2 else None,
            release_date=datetime.date(2026, 3, 1 + n),
        )
        for n in range(6)
    ]


def _rows():
    """{page id: (where the row version is, its stamp, when indexed)}."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT page_id, ctid::text, stamp, indexed_at FROM search_indexeddocument")
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _updates():
    """Row versions this transaction has written by UPDATE so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            ["search_indexeddocument"],
        )
        return cursor.fetchone()[0]


def test_a_rebuild_writes_only_the_documents_that_changed():
    engine = get_embedded_engine()
    documents = _documents()
    engine.rebuild(documents)
    before, updates = _rows(), _updates()

    retitled = dataclasses.replace(documents[0], title="Sepsis in the first hour on the ward")
    moved = dataclasses.replace(documents[1], topics=(("career", "Career"),))
    engine.rebuild([retitled, moved, *documents[2:]])

    after = _rows()
    assert _updates() - updates == 2
    for document in documents[2:]:
        assert after[document.page_id] == before[document.page_id]
    for document in (retitled, moved):
        assert after[document.page_id][0] != before[document.page_id][0]
        assert after[document.page_id][1] != before[document.page_id][1]
    # What a learner sees: the new title is found, the moved guide counts
    # under its new topic, the rest as before.
    hits = engine.search(SearchQuery("sepsis first hour")).hits
    assert [hit.page_id for hit in hits] == [retitled.page_id]
    career = engine.search(SearchQuery("outreach", filters={"topic": ("career",)}))
    assert [hit.page_id for hit in career.hits] == [moved.page_id]
    topics = {v.value: v.count for f in career.facets if f.key == "topic" for v in f.values}
    assert topics == {"career": 1, "clinical": 5}


def test_a_document_written_again_unchanged_keeps_its_row():
    engine = get_embedded_engine()
    documents = _documents()
    engine.index(documents)
    before, updates = _rows(), _updates()
    engine.index(documents[:3])
    assert _rows() == before
    assert _updates() == updates
    assert engine.search(SearchQuery("outreach")).total == 6
