"""Plans that must not depend on the planner's guesses at scale. A test
database is too small for the planner to prefer what it prefers at 100,000
guides, so these load 20,000 short documents and read the plan of the
statement the engine actually ran."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.engines import get_embedded_engine

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
