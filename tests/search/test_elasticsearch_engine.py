"""The Elasticsearch engine against a server at ELASTICSEARCH_URL.

Without ELASTICSEARCH_URL the tests that need a server are deselected
(tests/search/conftest.py), like the PostgreSQL-only tests; CI sets it in its
PostgreSQL pass, against the noida-db emulator. Tests marked
analyzer_details check analyzer details and ranking that the emulator is not
trusted with; they are selected only with ELASTICSEARCH_REAL=1 against a real
cluster. The tests against a closed port need no server and always run.
"""

import datetime
import decimal
import os
import threading
import time
from uuid import uuid4

import pytest

from search.engines.base import (
    FACET_KEYS,
    MARK_END,
    MARK_START,
    EngineUnavailable,
    SearchDocument,
    SearchQuery,
)
from search.engines.elasticsearch import ElasticsearchEngine

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
PREFIX = f"curbside-test-{uuid4().hex[:8]}"

# Registered in pyproject.toml; shared with the engine contract suite.
analyzer_details = pytest.mark.analyzer_details


def unmark(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


def doc(page_id, title, body="", **fields) -> SearchDocument:
    fields.setdefault("kind", "guide")
    fields.setdefault("url", f"/guides/{page_id}/")
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("objectives", "")
    return SearchDocument(page_id=page_id, title=title, body=body, **fields)


CARDIO = ("cardiology", "Cardiology")
PEDS = ("pediatrics", "Pediatrics")
SURGERY = ("surgery", "Surgery")
INFORMATICS = ("informatics", "Clinical informatics")
ANA = ("ana-alvarez", "Ana Alvarez")
BEN = ("ben-brooks", "Ben Brooks")

CORPUS = [
    doc(
        1,
        "Managing hypertension in primary care",
        "Blood pressure targets for adults, home measurements and when to add a second drug.",
        topics=(CARDIO,),
        specialties=(("internal-medicine", "Internal medicine"),),
        audiences=(("resident", "Resident"),),
        mentors=(ANA,),
        release_date=datetime.date(2024, 3, 1),
    ),
    doc(
        2,
        "Chest pain in young women",
        "Myocardial infarction presents differently; troponin timing and follow-up.",
        topics=(CARDIO,),
        mentors=(BEN,),
        release_date=datetime.date(2024, 5, 1),
    ),
    doc(
        3,
        "Pediatric asthma pathway",
        "Inhaler technique, spacers and action plans for children.",
        kind="path",
        url="/paths/3/",
        topics=(PEDS,),
        mentors=(ANA, BEN),
        credits=decimal.Decimal("2.50"),
        release_date=datetime.date(2024, 7, 1),
    ),
    doc(
        4,
        "Writing safe clinical notes",
        "Never paste <script>alert('x')</script> into the record; documentation tips & tricks.",
        topics=(INFORMATICS,),
        mentors=(BEN,),
        release_date=datetime.date(2023, 9, 1),
    ),
    doc(
        5,
        "Wound care basics",
        "Cleaning, closure and dressing choice; patients with asthma heal the same way.",
        topics=(SURGERY,),
        release_date=datetime.date(2022, 1, 1),
    ),
]


# --- fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def es_url():
    """The server to test against (tests using it are deselected without one)."""
    probe = ElasticsearchEngine(ES_URL, PREFIX, timeout=10)
    problems = [p for p in probe.problems() if "does not exist" not in p]
    if problems:
        pytest.fail(f"ELASTICSEARCH_URL is set but unusable: {problems[0]}")
    yield ES_URL
    # Every index this module created, by explicit name (wildcard deletes are
    # refused by default on Elasticsearch 8).
    names = list(probe.client.indices.get(index=f"{PREFIX}*", expand_wildcards="all").body)
    if names:
        probe.client.indices.delete(index=",".join(names))


@pytest.fixture(scope="module")
def engine(es_url):
    """An engine over CORPUS, shared by the read-only tests."""
    engine = ElasticsearchEngine(es_url, PREFIX, timeout=10)
    assert engine.rebuild(CORPUS) == len(CORPUS)
    return engine


@pytest.fixture
def fresh_engine(es_url):
    """An engine with its own alias and nothing indexed yet."""
    engine = ElasticsearchEngine(es_url, f"{PREFIX}-{uuid4().hex[:6]}", timeout=10)
    yield engine
    engine.delete_all()


def versioned_indices(engine) -> list[str]:
    body = engine.client.indices.get(index=f"{engine.alias}-*", expand_wildcards="all").body
    return sorted(body)


def aliased_indices(engine) -> list[str]:
    return sorted(engine.client.indices.get_alias(name=engine.alias).body)


def ids(results) -> list[int]:
    return [hit.page_id for hit in results.hits]


def facet(results, key):
    return {f.key: f for f in results.facets}[key]


def facet_counts(results, key) -> dict[str, tuple[str, int, bool]]:
    return {v.value: (v.label, v.count, v.selected) for v in facet(results, key).values}


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


# --- searching ----------------------------------------------------------------------


def test_indexed_ids(engine):
    assert engine.indexed_ids() == {d.page_id for d in CORPUS}


def test_empty_query_browses_everything_newest_first(engine):
    results = engine.search(SearchQuery(""))
    assert results.total == 5
    assert ids(results) == [3, 2, 1, 4, 5]
    assert results.engine == "elasticsearch"


def test_facets_are_disjunctive_with_labels(engine):
    results = engine.search(SearchQuery("", filters={"topic": ("cardiology",)}))
    assert sorted(ids(results)) == [1, 2]
    # Every facet with values, in FACETS order (no credit-bearing cardiology guide).
    assert [f.key for f in results.facets] == [k for k in FACET_KEYS if k != "credit"]
    # The topic facet ignores its own filter: choosing Cardiology still shows the others.
    assert facet_counts(results, "topic") == {
        "cardiology": ("Cardiology", 2, True),
        "pediatrics": ("Pediatrics", 1, False),
        "informatics": ("Clinical informatics", 1, False),
        "surgery": ("Surgery", 1, False),
    }
    topic_values = [v.value for v in facet(results, "topic").values]
    assert topic_values == ["cardiology", "informatics", "pediatrics", "surgery"]  # count, label
    # Other facets count within the chosen topic.
    assert facet_counts(results, "type") == {"guide": ("Guide", 2, False)}
    assert facet_counts(results, "mentor") == {
        "ana-alvarez": ("Ana Alvarez", 1, False),
        "ben-brooks": ("Ben Brooks", 1, False),
    }


def test_facet_values_or_within_and_across(engine):
    both = engine.search(SearchQuery("", filters={"topic": ("cardiology", "pediatrics")}))
    assert sorted(ids(both)) == [1, 2, 3]
    narrowed = engine.search(
        SearchQuery("", filters={"topic": ("cardiology", "pediatrics"), "mentor": ("ana-alvarez",)})
    )
    assert sorted(ids(narrowed)) == [1, 3]
    assert facet_counts(narrowed, "type") == {
        "guide": ("Guide", 1, False),
        "path": ("Learning path", 1, False),
    }
    assert facet_counts(narrowed, "credit") == {"yes": ("Offers CME credit", 1, False)}
    assert facet_counts(narrowed, "mentor")["ana-alvarez"] == ("Ana Alvarez", 2, True)


def test_selected_value_without_results_is_still_shown(engine):
    results = engine.search(SearchQuery("", filters={"type": ("path",), "topic": ("surgery",)}))
    assert results.total == 0 and results.hits == ()
    assert facet_counts(results, "topic") == {
        "pediatrics": ("Pediatrics", 1, False),
        "surgery": ("Surgery", 0, True),
    }
    assert facet_counts(results, "type")["path"] == ("Learning path", 0, True)


def test_highlights_use_markers_and_keep_text_as_is(engine):
    results = engine.search(SearchQuery("hypertension"))
    hit = results.hits[0]
    assert hit.page_id == 1
    assert f"{MARK_START}hypertension{MARK_END}" in hit.title_highlight
    assert unmark(hit.title_highlight) == hit.title
    assert hit.mentors == ("Ana Alvarez",) and hit.topics == ("Cardiology",)
    assert hit.release_date == datetime.date(2024, 3, 1)

    notes = engine.search(SearchQuery("documentation")).hits[0]
    assert notes.page_id == 4
    assert MARK_START in notes.snippet and MARK_END in notes.snippet
    # Raw HTML in a document comes back as the same text (escaping is the view's job).
    assert "<script>alert('x')</script>" in notes.snippet
    assert unmark(notes.snippet) in CORPUS[3].body
    assert notes.title_highlight == notes.title  # nothing to mark in the title


def test_snippet_falls_back_to_the_summary(engine):
    hit = engine.search(SearchQuery("", filters={"topic": ("surgery",)})).hits[0]
    assert hit.snippet == hit.summary == "Summary of Wound care basics."
    assert hit.title_highlight == hit.title


def test_credits_and_kind_come_back(engine):
    hit = engine.search(SearchQuery("asthma pathway")).hits[0]
    assert (hit.page_id, hit.kind, hit.url) == (3, "path", "/paths/3/")
    assert hit.credits == decimal.Decimal("2.5")
    assert hit.mentors == ("Ana Alvarez", "Ben Brooks")


def test_synonym_abbreviation_finds_the_spelled_out_words(engine):
    results = engine.search(SearchQuery("MI"))
    assert ids(results) == [2]
    assert results.matched_all_words


def test_fuzziness_finds_a_misspelt_word_and_suggests_the_spelling(engine):
    results = engine.search(SearchQuery("hypertenson", correct_spelling=False))
    assert ids(results) == [1]
    assert results.suggestion == "hypertension"
    corrected = engine.search(SearchQuery("hypertenson"))
    assert ids(corrected) == [1] and corrected.corrected_query == "hypertension"


def test_no_suggestion_for_correct_words(engine):
    assert engine.search(SearchQuery("asthma")).suggestion == ""


def test_all_words_then_any_word(engine):
    results = engine.search(SearchQuery("troponin spacers"))
    assert not results.matched_all_words
    assert sorted(ids(results)) == [2, 3]
    assert engine.search(SearchQuery("inhaler spacers")).matched_all_words


def test_phrases_and_exclusions(engine):
    assert ids(engine.search(SearchQuery('"action plans"'))) == [3]
    assert engine.search(SearchQuery('"plans action"')).total == 0
    results = engine.search(SearchQuery("asthma -wound"))
    assert ids(results) == [3]


def test_sort_newest(engine):
    results = engine.search(SearchQuery("cardiology", sort="newest"))
    assert ids(results) == [2, 1]


def test_pagination(engine):
    page2 = engine.search(SearchQuery("", per_page=2, page=2))
    assert ids(page2) == [1, 4] and page2.total == 5 and page2.pages == 3
    beyond = engine.search(SearchQuery("", per_page=2, page=40))
    assert beyond.hits == () and beyond.total == 5
    far_beyond = engine.search(SearchQuery("", per_page=10, page=5000))  # past 10,000
    assert far_beyond.hits == () and far_beyond.total == 5


@pytest.mark.parametrize(
    "text",
    [
        'hypertension" OR 1=1; DROP TABLE search_indexeddocument; --',
        "title:(asthma) AND body:* ~2 ^10 /regex/ [a TO z] {!lucene}",
        "\x00\x01 asthma \u202e\ufeff 🫀 ÄÖÜ",
        '"unclosed phrase -',
        "a " * 300,
        f"{MARK_START}asthma{MARK_END}",
    ],
)
def test_hostile_input_is_just_text(engine, text):
    results = engine.search(SearchQuery(text))
    assert results.total >= 0
    engine.suggest(text)


def test_completion_suggest(engine):
    suggestions = engine.suggest("hypert")
    assert [(s.title, s.url, s.kind) for s in suggestions] == [
        ("Managing hypertension in primary care", "/guides/1/", "guide")
    ]
    assert [s.title for s in engine.suggest("pediatric ast")] == ["Pediatric asthma pathway"]
    assert engine.suggest("") == [] and engine.suggest("x") == []
    assert len(engine.suggest("w", limit=1)) <= 1


def test_completion_suggest_is_fuzzy(engine):
    assert "Pediatric asthma pathway" in [s.title for s in engine.suggest("pediatrc")]


def test_problems_empty_when_reachable(engine):
    assert engine.problems() == []


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


# --- real Elasticsearch only ------------------------------------------------------------


@analyzer_details
def test_stemming_in_the_analyzer(engine):
    assert ids(engine.search(SearchQuery("measurement"))) == [1]
    assert ids(engine.search(SearchQuery("managed"))) == [1]
    assert ids(engine.search(SearchQuery("children's"))) == [3]


@analyzer_details
def test_synonym_graph_in_the_search_analyzer(engine):
    tokens = engine.client.indices.analyze(
        index=engine.alias, analyzer="curbside_english_search", text="heart attack"
    )["tokens"]
    found_tokens = {t["token"] for t in tokens}
    # "MI" is capitals-only (search/abbreviations.py): the analyzer, which
    # lower-cases first, leaves it out; parse() expands it instead.
    assert "myocardi" in found_tokens and "mi" not in found_tokens
    # A raw match query (no parse() expansion) still finds the spelled-out words.
    found = engine.client.search(
        index=engine.alias, query={"match_phrase": {"body": "heart attack"}}
    )
    assert [hit["_id"] for hit in found["hits"]["hits"]] == ["2"]


@analyzer_details
def test_title_matches_rank_first(engine):
    assert ids(engine.search(SearchQuery("asthma"))) == [3, 5]


@analyzer_details
def test_spelling_suggestion_for_several_words(engine):
    results = engine.search(SearchQuery("pediatrc astma"))
    assert results.suggestion == "pediatric asthma"
