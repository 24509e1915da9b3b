"""Searching with the Elasticsearch engine, against a server at
ELASTICSEARCH_URL: browsing, facets, highlights and snippets, synonyms,
fuzziness and spelling, phrases, sorting, pages, hostile input and completion
suggestions, all over one index of CORPUS shared by these read-only tests.

Without ELASTICSEARCH_URL these tests are deselected (tests/search/conftest.py),
like the PostgreSQL-only tests; CI sets it in its PostgreSQL pass, against the
noida-db emulator. Tests marked analyzer_details check analyzer details and
ranking that the emulator is not trusted with; they are selected only with
ELASTICSEARCH_REAL=1 against a real cluster.
"""

import datetime
import decimal

import pytest

from search.engines.base import FACET_KEYS, MARK_END, MARK_START, SearchQuery
from search.engines.elasticsearch import ElasticsearchEngine
from tests.search.elasticsearch_corpus import CORPUS, ids

# Registered in pyproject.toml; shared with the engine contract suite.
analyzer_details = pytest.mark.analyzer_details


def unmark(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


# --- fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(es_url, es_prefix):
    """An engine over CORPUS, shared by the read-only tests."""
    engine = ElasticsearchEngine(es_url, es_prefix, timeout=10)
    assert engine.rebuild(CORPUS) == len(CORPUS)
    return engine


def facet(results, key):
    return {f.key: f for f in results.facets}[key]


def facet_counts(results, key) -> dict[str, tuple[str, int, bool]]:
    return {v.value: (v.label, v.count, v.selected) for v in facet(results, key).values}


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
