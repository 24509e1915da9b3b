"""The PostgreSQL index in two shards (search/engines/postgres_shards.py,
migration 0010): a search in which every word must match reads each shard
on its own connection, side by side, and merges their first results. What a
learner sees must be what one ranking of every match gives: the same
results in the same order on every page, the same total and facets,
whether the shards were read side by side, one after the other, or the
second connection was lost on the way.

The expected order comes from one plain statement written here, not from
the engine's code: every match ranked by ts_rank (the query OR'ed with
itself, the engine's documented rule), ties to the newer id; newest first
by release date, no date first."""

import logging

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

import pytest

from search.documents import all_documents
from search.engines import SearchQuery, get_embedded_engine
from search.engines.postgres_results import merge_pages
from search.engines.postgres_shards import (
    SHARDS,
    _the_second,
    close_second_connections,
    second_backend_pids,
)

pytestmark = pytest.mark.postgres

WORD = "tamponade"
DOCUMENTS = 137  # ids on both shards, ranks that tie and ranks that differ


# Transactional tests (the second connection sees only what is committed)
# put back, after the flush, what migrations wrote (the site's pages).


def _insert_documents(count=DOCUMENTS):
    """Rows straight into the index: the word 0 to 3 times in the title,
    summary and body by turns (so ranks tie in groups), release dates that
    repeat and some missing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_indexeddocument (page_id, kind, title, url, summary, "
            "objectives, body, meta, mentor_names, topic_labels, indexed_at, facet_ids, stamp, "
            "release_date) "
            "SELECT 900000 + n, 'guide', "
            "CASE WHEN n %% 7 = 0 THEN 'Cardiac tamponade, case ' ELSE 'Effusion, case ' END || n, "
            "'/guides/case-' || n || '/', "
            "repeat('tamponade ', n %% 3) || 'at the bedside', '', "
            "repeat('Pulsus paradoxus and tamponade. ', n %% 4) || 'Echo first.', "
            "'', '', '', now(), '{}', 0, "
            "CASE WHEN n %% 11 = 0 THEN NULL ELSE date '2024-01-01' + (n %% 9) END "
            "FROM generate_series(1, %s) AS n",
            [count],
        )


def _expected(sort="relevance"):
    """Page ids of every match, in the order one ranking of all of them
    gives."""
    statement = (
        "SELECT d.page_id FROM search_indexeddocument d, websearch_to_tsquery('english', %s) q "
        "WHERE d.search_vector @@ q ORDER BY "
    )
    if sort == "newest":
        statement += "d.release_date DESC NULLS FIRST, d.id DESC"
    else:
        statement += "ts_rank(d.search_vector, q || q) DESC, d.id DESC"
    with connection.cursor() as cursor:
        cursor.execute(statement, [WORD])
        return [row[0] for row in cursor.fetchall()]


def _every_page(engine, sort="relevance", per_page=10):
    found, page, total = [], 1, None
    while True:
        results = engine.search(SearchQuery(WORD, page=page, per_page=per_page, sort=sort))
        total = results.total
        if not results.hits:
            return found, total
        found += [hit.page_id for hit in results.hits]
        page += 1


def _searches(queries):
    """The statements that matched documents, of those captured."""
    return [q["sql"] for q in queries.captured_queries if "t.search_vector @@ q.query" in q["sql"]]


def _shards_named(statement):
    return {k for k in range(SHARDS) if f"mod(t.id, {SHARDS}) = {k}" in statement}


@pytest.fixture
def second_connection_closed():
    yield
    close_second_connections()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_read_side_by_side_is_one_ranking_of_every_match(second_connection_closed):
    _insert_documents()
    engine = get_embedded_engine()
    for sort in ("relevance", "newest"):
        expected = _expected(sort)
        assert len(expected) > 2 * 10  # several pages, both shards
        with CaptureQueriesContext(connection) as queries:
            found, total = _every_page(engine, sort)
        assert found == expected, sort
        assert total == len(expected)
        # This connection read one shard; the other connection the other.
        searches = _searches(queries)
        assert searches and all(_shards_named(sql) == {0} for sql in searches), searches
    assert second_backend_pids()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_first_page_carries_its_rows_and_highlights(second_connection_closed):
    _insert_documents()
    results = get_embedded_engine().search(SearchQuery(WORD))
    expected = _expected()[:10]
    assert [hit.page_id for hit in results.hits] == expected
    for hit in results.hits:
        assert hit.url == f"/guides/case-{hit.page_id - 900000}/"
        assert hit.title.endswith(str(hit.page_id - 900000))
    # Every first-page hit has the word, or its summary, marked somewhere.
    assert any("tamponade" in hit.snippet.lower() for hit in results.hits)


def test_inside_a_transaction_one_statement_reads_both_shards(db):
    # A test's transaction (as an editor's save): the other connection would
    # not see these rows, so both shards are read in one statement.
    _insert_documents()
    engine = get_embedded_engine()
    with CaptureQueriesContext(connection) as queries:
        found, total = _every_page(engine)
    assert found == _expected()
    assert total == len(found)
    searches = _searches(queries)
    assert all(_shards_named(sql) == set(range(SHARDS)) for sql in searches)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_busy_second_connection_means_one_statement_here(second_connection_closed):
    # Another thread's search holds the second connection: this one does not
    # wait for it.
    _insert_documents()
    second = _the_second()
    assert second.free.acquire(blocking=False)
    try:
        with CaptureQueriesContext(connection) as queries:
            results = get_embedded_engine().search(SearchQuery(WORD))
    finally:
        second.free.release()
    assert [hit.page_id for hit in results.hits] == _expected()[:10]
    searches = _searches(queries)
    assert [_shards_named(sql) for sql in searches] == [set(range(SHARDS))]


def _terminate(pids):
    with connection.cursor() as cursor:  # as a database restart or an idle timeout would
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [list(pids)]
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lost_second_connection_is_replaced(second_connection_closed):
    # The settings check a connection's health before its first statement
    # (CONN_HEALTH_CHECKS): a backend gone while idle is replaced.
    _insert_documents()
    engine = get_embedded_engine()
    expected = _expected()[:10]
    assert [hit.page_id for hit in engine.search(SearchQuery(WORD)).hits] == expected
    lost = second_backend_pids()
    _terminate(lost)
    with CaptureQueriesContext(connection) as queries:
        results = engine.search(SearchQuery(WORD))
    assert [hit.page_id for hit in results.hits] == expected
    assert second_backend_pids() - lost
    assert [_shards_named(sql) for sql in _searches(queries)] == [{0}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_connection_failing_in_its_statement_is_read_again_here(
    second_connection_closed, caplog
):
    # A failure found only by the statement itself (a connection cut while
    # in use): the health check is switched off on the second connection so
    # that the terminated backend is found that way.
    _insert_documents()
    engine = get_embedded_engine()
    expected = _expected()[:10]
    engine.search(SearchQuery(WORD))
    second = _the_second()
    alias = connection.alias
    second.thread.submit(
        lambda: setattr(connections[alias], "health_check_enabled", False)
    ).result()
    _terminate(second_backend_pids())
    with caplog.at_level(logging.WARNING, logger="search.engines.postgres_shards"):
        results = engine.search(SearchQuery(WORD))
    assert [hit.page_id for hit in results.hits] == expected
    assert results.total == len(_expected())
    assert "Second search connection failed" in caplog.text
    # The broken connection is closed before the next search, which reads
    # side by side again.
    caplog.clear()
    again = engine.search(SearchQuery(WORD))
    assert [hit.page_id for hit in again.hits] == expected
    assert "Second search connection failed" not in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filters_and_facets_read_side_by_side_are_those_of_one_statement(
    corpus, second_connection_closed
):
    engine = get_embedded_engine()
    engine.rebuild(all_documents())
    query = SearchQuery("care", filters={"type": ("guide",)})
    side_by_side = engine.search(query)
    second = _the_second()
    assert second.free.acquire(blocking=False)  # forces the one statement over both shards
    try:
        one_statement = engine.search(query)
    finally:
        second.free.release()
    assert side_by_side.total and side_by_side.total == one_statement.total
    assert [h.page_id for h in side_by_side.hits] == [h.page_id for h in one_statement.hits]
    assert side_by_side.facets == one_statement.facets


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_persistent_connections_one_statement_reads_both_shards(
    second_connection_closed, monkeypatch
):
    # CONN_MAX_AGE 0 closes connections after each request: a second one
    # would be opened for every search.
    _insert_documents()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    with CaptureQueriesContext(connection) as queries:
        results = get_embedded_engine().search(SearchQuery(WORD))
    assert [hit.page_id for hit in results.hits] == _expected()[:10]
    assert [_shards_named(sql) for sql in _searches(queries)] == [set(range(SHARDS))]


def test_the_index_is_two_partial_indexes_and_the_shard_has_statistics(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
            "'search_indexeddocument' AND indexdef LIKE '%%search_vector%%' ORDER BY indexname"
        )
        indexes = cursor.fetchall()
        cursor.execute("SELECT stxname FROM pg_statistic_ext WHERE stxname = 'search_doc_shard'")
        statistics = cursor.fetchall()
    assert [name for name, _ in indexes] == ["search_doc_vector_s0", "search_doc_vector_s1"]
    assert "WHERE (mod(id, (2)::bigint) = 0)" in indexes[0][1]
    assert "WHERE (mod(id, (2)::bigint) = 1)" in indexes[1][1]
    assert statistics == [("search_doc_shard",)]


def test_merging_keeps_one_rankings_order_ties_and_missing_dates():
    # [id, score]: lower scores first, then the newer (larger) id.
    first = "[[4, -0.6], [8, -0.3], [2, -0.3]]"
    second = "[[7, -0.6], [5, -0.3], [9, -0.1]]"
    assert merge_pages([first, second], False, 0, 10) == [7, 4, 8, 5, 2, 9]
    assert merge_pages([first, second], False, 2, 2) == [8, 5]
    # [id, release date]: no date first (as PostgreSQL orders NULL in a
    # descending sort), then the newest, then the newer id.
    first = '[[3, null], [6, "2024-03-01"], [2, "2024-01-05"]]'
    second = '[[1, null], [5, "2024-03-01"], [9, "2023-12-31"]]'
    assert merge_pages([first, second], True, 0, 10) == [3, 1, 6, 5, 2, 9]
    assert merge_pages([None, second], True, 1, 1) == [5]
