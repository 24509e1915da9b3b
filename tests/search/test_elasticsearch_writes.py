"""The Elasticsearch engine's writes and its alias, against a server at
ELASTICSEARCH_URL: indexing and removing through the alias, a rebuild's
atomic swap under concurrent searches, and what happens to the indexes when
documents are rejected or a rebuild fails.

Without ELASTICSEARCH_URL these tests are deselected (tests/search/conftest.py),
like the PostgreSQL-only tests; CI sets it in its PostgreSQL pass, against the
noida-db emulator.
"""

import threading
import time
from uuid import uuid4

import pytest

from search.engines.base import EngineUnavailable, SearchQuery
from search.engines.elasticsearch import ElasticsearchEngine
from tests.search.elasticsearch_corpus import CORPUS, doc, ids

# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def fresh_engine(es_url, es_prefix):
    """An engine with its own alias and nothing indexed yet."""
    engine = ElasticsearchEngine(es_url, f"{es_prefix}-{uuid4().hex[:6]}", timeout=10)
    yield engine
    engine.delete_all()


def versioned_indices(engine) -> list[str]:
    body = engine.client.indices.get(index=f"{engine.alias}-*", expand_wildcards="all").body
    return sorted(body)


def aliased_indices(engine) -> list[str]:
    return sorted(engine.client.indices.get_alias(name=engine.alias).body)


# --- writes and the alias ----------------------------------------------------------


def test_index_before_any_rebuild_creates_the_alias(fresh_engine):
    assert fresh_engine.indexed_ids() == set()
    assert any("does not exist" in p for p in fresh_engine.problems())

    fresh_engine.index([CORPUS[0]])

    indices = aliased_indices(fresh_engine)
    assert len(indices) == 1 and indices[0].startswith(f"{fresh_engine.alias}-")
    assert fresh_engine.indexed_ids() == {1}
    assert ids(fresh_engine.search(SearchQuery("hypertension"))) == [1]
    assert fresh_engine.problems() == []


def test_index_and_remove_write_through_the_alias(fresh_engine):
    fresh_engine.rebuild(CORPUS[:2])
    (index_name,) = aliased_indices(fresh_engine)

    fresh_engine.index([doc(10, "Sepsis bundles", "Lactate and fluids.")])
    fresh_engine.index([doc(1, "Managing hypertension in older adults")])  # replaces page 1
    assert fresh_engine.indexed_ids() == {1, 2, 10}
    assert ids(fresh_engine.search(SearchQuery("sepsis"))) == [10]
    assert fresh_engine.search(SearchQuery("older adults")).hits[0].title.endswith("older adults")

    fresh_engine.remove([10, 999])  # unknown ids are ignored
    assert fresh_engine.indexed_ids() == {1, 2}
    assert fresh_engine.search(SearchQuery("sepsis")).total == 0
    assert aliased_indices(fresh_engine) == [index_name]


def test_remove_before_any_index_is_a_no_op(fresh_engine):
    fresh_engine.remove([1, 2])
    assert fresh_engine.indexed_ids() == set()


def test_rebuild_swaps_the_alias_atomically(fresh_engine):
    old_docs = [doc(100 + i, f"Old guide {i}", "Anticoagulation.") for i in range(3)]
    new_docs = [doc(200 + i, f"New guide {i}", "Anticoagulation.") for i in range(6)]
    fresh_engine.rebuild(old_docs)
    (old_index,) = aliased_indices(fresh_engine)
    old_ids = frozenset(d.page_id for d in old_docs)
    new_ids = frozenset(d.page_id for d in new_docs)

    seen: list[frozenset[int]] = []
    during: list[frozenset[int]] = []
    errors: list[Exception] = []
    halfway, searched_halfway, finished = threading.Event(), threading.Event(), threading.Event()

    def keep_searching():
        while not finished.is_set():
            try:
                found = frozenset(ids(fresh_engine.search(SearchQuery("", per_page=50))))
            except EngineUnavailable as error:
                errors.append(error)
                return
            seen.append(found)
            if halfway.is_set() and not searched_halfway.is_set():
                during.append(found)
                searched_halfway.set()
            time.sleep(0.005)

    def documents():
        yield from new_docs[:3]
        halfway.set()
        assert searched_halfway.wait(10), "the searching thread never answered"
        yield from new_docs[3:]

    thread = threading.Thread(target=keep_searching)
    thread.start()
    progress = []
    try:
        count = fresh_engine.rebuild(documents(), progress=progress.append)
        after = frozenset(ids(fresh_engine.search(SearchQuery("", per_page=50))))
    finally:
        finished.set()
        thread.join(10)

    assert not errors
    assert count == len(new_docs) and sum(progress) == len(new_docs)
    assert during == [old_ids]  # mid-rebuild searches still see the old index
    assert after == new_ids
    assert set(seen) <= {old_ids, new_ids}  # never empty, never a mix
    (new_index,) = aliased_indices(fresh_engine)
    assert new_index != old_index
    assert versioned_indices(fresh_engine) == [new_index]  # old index deleted


def test_failed_rebuild_keeps_the_old_index_and_drops_the_new_one(fresh_engine):
    fresh_engine.rebuild(CORPUS[:2])
    before = aliased_indices(fresh_engine)
    bad = doc(50, "Broken", release_date="not a date")  # rejected by the date mapping

    with pytest.raises(EngineUnavailable, match=r"1 of 3 documents rejected.*document 50"):
        fresh_engine.rebuild([*CORPUS[2:4], bad])

    assert aliased_indices(fresh_engine) == before
    assert versioned_indices(fresh_engine) == before
    assert fresh_engine.indexed_ids() == {1, 2}


def test_rebuild_drops_the_new_index_when_the_documents_fail(fresh_engine):
    fresh_engine.rebuild(CORPUS[:1])
    before = aliased_indices(fresh_engine)

    def documents():
        yield CORPUS[1]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        fresh_engine.rebuild(documents())
    assert versioned_indices(fresh_engine) == before
    assert fresh_engine.indexed_ids() == {1}


def test_partially_rejected_index_raises(fresh_engine):
    bad = doc(51, "Broken", release_date="not a date")
    with pytest.raises(EngineUnavailable, match="1 of 2 documents rejected"):
        fresh_engine.index([CORPUS[0], bad])
