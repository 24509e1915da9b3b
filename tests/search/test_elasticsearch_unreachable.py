"""The Elasticsearch engine against a closed port (127.0.0.1:9): every call
raises EngineUnavailable quickly, and the health check names the problem.
These tests need no server and always run.
"""

import time

import pytest

from search.engines.base import EngineUnavailable, SearchQuery
from search.engines.elasticsearch import ElasticsearchEngine
from tests.search.elasticsearch_corpus import CORPUS

# --- unreachable cluster (no server needed) ----------------------------------------


@pytest.fixture
def unreachable():
    return ElasticsearchEngine("http://127.0.0.1:9", "curbside-unreachable", timeout=0.5)


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.search(SearchQuery("asthma")),
        lambda e: e.index(CORPUS[:1]),
        lambda e: e.remove([1]),
        lambda e: e.rebuild(CORPUS),
        lambda e: e.suggest("asth"),
        lambda e: e.indexed_ids(),
    ],
    ids=["search", "index", "remove", "rebuild", "suggest", "indexed_ids"],
)
def test_unreachable_cluster_raises_engine_unavailable(unreachable, call):
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match=r"http://127\.0\.0\.1:9: connection refused"):
        call(unreachable)
    assert time.monotonic() - started < 3


def test_unreachable_cluster_is_a_problem(unreachable):
    started = time.monotonic()
    assert unreachable.problems() == ["Elasticsearch at http://127.0.0.1:9: connection refused"]
    assert time.monotonic() - started < 3
