"""Completion on PostgreSQL (search/engines/postgres.py, _suggest_queries):
titles that begin with what was typed first, alphabetically, then the
newest titles with every typed word (the last as a prefix). Ranking every
title with such a word read each one's row (two letters matched about
23,000 of 100,000 guides: p95 178-207 ms); the plans below are read at
20,000 documents, where the planner chooses as it does at scale."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.engines import get_embedded_engine

from .test_postgres_plans import plan

pytestmark = pytest.mark.postgres

TITLES = [
    # (title, release date)
    ("Consent for the anxious patient", datetime.date(2024, 3, 1)),
    ("Back pain: conservative care first", datetime.date(2025, 6, 1)),
    ("coding the consultation", datetime.date(2023, 1, 1)),
    ("Asthma review in general practice", datetime.date(2025, 1, 1)),
    ("When to call the consultant at night", datetime.date(2026, 2, 1)),
    ("Colleagues in difficulty", datetime.date(2022, 5, 1)),
]


def _insert(rows):
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_indexeddocument (page_id, kind, title, url, summary, objectives, "
            "body, meta, mentor_names, topic_labels, indexed_at, facet_ids, stamp, release_date) "
            "VALUES (%s, 'guide', %s, %s, '', '', '', '', '', '', now(), '{}', 0, %s)",
            [(n, title, f"/guides/{n}/", released) for n, (title, released) in rows],
        )


@pytest.mark.django_db
def test_titles_that_begin_with_the_typed_text_come_first_then_the_newest_with_the_words():
    _insert(enumerate(TITLES, start=1))
    titles = [s.title for s in get_embedded_engine().suggest("Co")]
    assert titles == [
        # Begin with "co", whatever the case, alphabetically.
        "coding the consultation",
        "Colleagues in difficulty",
        "Consent for the anxious patient",
        # A later word begins with "co": the newest first.
        "When to call the consultant at night",
        "Back pain: conservative care first",
    ]
    assert [s.title for s in get_embedded_engine().suggest("cons")] == [
        "Consent for the anxious patient",
        "When to call the consultant at night",
        "Back pain: conservative care first",
        "coding the consultation",
    ]
    # Several words: the title that begins with them first.
    assert [s.title for s in get_embedded_engine().suggest("call the con")] == [
        "When to call the consultant at night",
    ]
    assert [s.title for s in get_embedded_engine().suggest("back pa")] == [
        "Back pain: conservative care first",
    ]
    assert get_embedded_engine().suggest("zz") == []


@pytest.fixture
def many_titles():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_indexeddocument (page_id, kind, title, url, summary, objectives, "
            "body, meta, mentor_names, topic_labels, indexed_at, facet_ids, stamp, release_date) "
            "SELECT n, 'guide', 'Rota note ' || n, '/guides/' || n || '/', '', '', '', '', "
            "'', '', now(), '{}', 0, date '2020-01-01' + (n % 2000) "
            "FROM generate_series(1, 20000) AS n"
        )
        cursor.execute("VACUUM ANALYZE search_indexeddocument")


def _statements(typed):
    with CaptureQueriesContext(connection) as queries:
        suggestions = get_embedded_engine().suggest(typed)
    assert len(suggestions) == 8
    # The completion statements (the rows read after them are not ordered).
    return [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]]


# VACUUM cannot run in a test's transaction; serialized_rollback puts back
# what the flush after it removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_completion_reads_a_few_rows_not_every_match(many_titles):
    # "ro" begins all 20,000 titles: read from the title-start index.
    explained = plan(_statements("ro")[0])
    assert "search_doc_title_start" in explained, explained
    assert "Sort" not in explained, explained
    # "no" begins none: the newest titles with a word that begins with it,
    # read from the release-date index until there are eight.
    statements = _statements("no")
    explained = plan(statements[1])
    assert "search_doc_newest" in explained, explained
    assert "Sort" not in explained and "Bitmap Heap Scan" not in explained, explained
