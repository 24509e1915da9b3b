"""Plans that must not depend on the planner's guesses at scale. A test
database is too small for the planner to prefer what it prefers at 100,000
guides, so these load 20,000 short documents and read the plan of the
statement the engine actually ran."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.engines import SearchQuery, get_embedded_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def many_documents():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_indexeddocument (page_id, kind, title, url, summary, objectives, "
            "body, meta, mentor_names, topic_labels, indexed_at, facet_ids, stamp) "
            "SELECT n, 'guide', 'Rota note ' || n, '/guides/' || n || '/', 'On call', '', "
            "'Hand over the sickest patient first.', '', '', '', now(), '{}', 0 "
            "FROM generate_series(1, 20000) AS n"
        )
        # As autovacuum leaves it: the GIN index's pending list merged and
        # its statistics (which only VACUUM writes) current.
        cursor.execute("VACUUM ANALYZE search_indexeddocument")


def plan(statement):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {statement}")
        return "\n".join(row[0] for row in cursor.fetchall())


# VACUUM cannot run in a test's transaction; serialized_rollback puts back
# what the flush after it removes (content types, the site's pages).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_word_missing_from_the_index_is_looked_up_not_searched_for(many_documents):
    # "Did you mean" first asks whether each word is in the index. Asked as
    # a plain LIMIT 1, the planner expected an unknown word in 0.5% of
    # documents and read the table in order to find the first one: every
    # document for a misspelled word (100-120 ms at 100,000 guides).
    engine = get_embedded_engine()
    assert engine._word_in_index("sickest") is True
    with CaptureQueriesContext(connection) as queries:
        assert engine._word_in_index("hadnover") is False
    (query,) = queries.captured_queries
    explained = plan(query["sql"])
    assert "Seq Scan on search_indexeddocument" not in explained, explained
    assert "Rows Removed by Filter" not in explained, explained


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_search_for_any_word_reads_each_shards_index_not_the_table(many_documents):
    # No document has both words, so the search looks for either. Its
    # matches are joined to the query; written as one OR of the two shards
    # (migration 0010), PostgreSQL read the whole table instead of the two
    # indexes (150 ms at 100,000 guides): each shard is its own UNION ALL arm.
    engine = get_embedded_engine()
    with CaptureQueriesContext(connection) as queries:
        results = engine.search(SearchQuery("sickest xylophone"))
    assert results.total == 20000 and not results.matched_all_words
    (statement,) = [q["sql"] for q in queries.captured_queries if "ln(greatest" in q["sql"]]
    explained = plan(statement)
    # The matches (CTE m); a clause's document count may read the table
    # when its word is in every document, as "sickest" is here.
    matches = explained.split("CTE m\n")[1].split("CTE page")[0]
    assert "Seq Scan" not in matches, explained
    assert "search_doc_vector_s0" in matches and "search_doc_vector_s1" in matches


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_planner_knows_each_shard_holds_half_the_documents(many_documents):
    # Migration 0010 keeps statistics on the shard expression. Without them
    # PostgreSQL takes "mod(id, 2) = 0" for 0.5% of the documents (its
    # default for an equality), and at 100,000 guides a completion over a
    # common prefix ("shared dec", 17,896 matches) read every match from
    # both indexes to sort them (116 ms) instead of walking the newest-first
    # index (7 ms).
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT 1 FROM search_indexeddocument WHERE mod(id, 2) = 0")
        first_line = cursor.fetchone()[0]
    estimated = int(first_line.split("rows=")[1].split()[0])
    assert 8000 <= estimated <= 12000, first_line
