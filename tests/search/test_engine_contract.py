"""One contract, every engine: the embedded engine of the database under
test, and Elasticsearch when ELASTICSEARCH_URL is set (see conftest.py)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.documents import all_documents, documents_for
from search.engines import FACET_KEYS, MARK_END, MARK_START, SearchQuery, SearchResults


def unmark(text):
    return text.replace(MARK_START, "").replace(MARK_END, "")


def titles(results):
    return [hit.title for hit in results.hits]


def search(engine, text="", **kwargs):
    return engine.search(SearchQuery(text=text, **kwargs))


def facet(results, key):
    return {v.value: v for f in results.facets if f.key == key for v in f.values}


def test_finds_published_guides_and_paths_by_title_and_body(engine, indexed):
    assert titles(search(engine, "myocardial infarction"))[0] == (
        "Myocardial infarction in young women"
    )
    assert "Myocardial infarction in young women" in titles(search(engine, "coronary dissection"))
    assert "Early career essentials" in titles(search(engine, "contracts licensing"))


def test_drafts_private_and_unpublished_pages_never_appear(engine, indexed):
    hidden = {p.title for p in indexed["hidden"]}
    found = set(titles(search(engine, "sepsis", per_page=50)))
    assert found == {'Sepsis <script>alert("x")</script> screening'}
    assert not hidden & found
    assert not {p.pk for p in indexed["hidden"]} & engine.indexed_ids()


def test_mentor_names_and_specialties_are_searchable(engine, indexed):
    assert set(titles(search(engine, "Alvarez", per_page=50))) >= {
        "Myocardial infarction in young women",
        "A difficult conversation with a family",
    }
    assert "Treating hypertension in primary care" in titles(search(engine, "family medicine"))


def test_abbreviations_find_the_words_they_stand_for(engine, indexed):
    assert titles(search(engine, "MI in young women"))[0] == "Myocardial infarction in young women"
    assert "Your first year as an international medical graduate" in titles(
        search(engine, "IMG licensing")
    )


def test_every_word_must_match_or_the_engine_says_it_relaxed(engine, indexed):
    strict = search(engine, "hypertension readings")
    assert titles(strict) == ["Treating hypertension in primary care"]
    assert strict.matched_all_words
    relaxed = search(engine, "hypertension zebrafish")
    assert "Treating hypertension in primary care" in titles(relaxed)
    assert not relaxed.matched_all_words


def test_quoted_phrase_and_excluded_word(engine, indexed):
    assert titles(search(engine, '"goals-of-care meeting"')) == [
        "A difficult conversation with a family"
    ]
    with_word = set(titles(search(engine, "first", per_page=50)))
    without = set(titles(search(engine, "first -licensing", per_page=50)))
    assert "Your first year as an international medical graduate" in with_word
    assert "Your first year as an international medical graduate" not in without
    assert "Negotiating your first contract" in without


def test_highlights_mark_matched_words_and_keep_text_as_text(engine, indexed):
    results = search(engine, "sepsis screening")
    hit = results.hits[0]
    assert MARK_START in hit.title_highlight and MARK_END in hit.title_highlight
    # The title comes back as the text it is; escaping is the page's job.
    assert unmark(hit.title_highlight) == 'Sepsis <script>alert("x")</script> screening'
    assert MARK_START in hit.snippet
    assert "sepsis" in hit.snippet.lower()


def test_facets_count_results_and_filters_narrow_them(engine, indexed):
    everything = search(engine, "first")
    assert everything.total == 3  # two guides and the path that lists them
    kinds = facet(everything, "type")
    assert kinds["guide"].count == 2 and kinds["path"].count == 1
    assert kinds["path"].label == "Learning path"
    assert facet(everything, "credit")["yes"].count == 1

    paths = search(engine, "first", filters={"type": ("path",)})
    assert titles(paths) == ["Early career essentials"]
    assert paths.total == 1
    # Disjunctive: the type facet still shows what choosing "guide" would give.
    assert facet(paths, "type")["guide"].count == 2
    assert facet(paths, "type")["path"].selected

    # A path carries the mentors and topics of its guides.
    by_mentor = search(engine, "", filters={"mentor": ("ana-alvarez",), "topic": ("career",)})
    assert set(titles(by_mentor)) == {
        "Your first year as an international medical graduate",
        "Early career essentials",
    }
    only_guides = search(
        engine, "", filters={"mentor": ("ana-alvarez",), "topic": ("career",), "type": ("guide",)}
    )
    assert titles(only_guides) == ["Your first year as an international medical graduate"]
    specialties = facet(search(engine, "", filters={"specialty": ("internal-medicine",)}), "type")
    assert specialties["guide"].count == 2 and specialties["path"].count == 1


def test_facets_come_in_the_documented_order_with_labels(engine, indexed):
    results = search(engine, "")
    keys = [f.key for f in results.facets]
    assert keys == [k for k in FACET_KEYS if k in keys]
    assert facet(results, "topic")["clinical"].label == "Clinical judgment"
    assert facet(results, "mentor")["ben-brooks"].label == "Ben Brooks"


def test_browsing_without_words_lists_newest_first(engine, indexed):
    results = search(engine, "", filters={"type": ("guide",)}, per_page=50)
    assert results.total == 6
    dates = [hit.release_date for hit in results.hits]
    assert dates == sorted(dates, reverse=True)


def test_pages_of_results_do_not_overlap(engine, indexed):
    first = search(engine, "", per_page=3, page=1)
    second = search(engine, "", per_page=3, page=2)
    beyond = search(engine, "", per_page=3, page=40)
    assert first.total == second.total == beyond.total == 8
    assert not set(titles(first)) & set(titles(second))
    assert beyond.hits == ()


def test_misspelt_words_get_a_suggestion(engine, indexed):
    corrected = search(engine, "hypertenson")
    assert corrected.corrected_query.lower() == "hypertension"
    assert titles(corrected) == ["Treating hypertension in primary care"]
    as_typed = search(engine, "hypertenson", correct_spelling=False)
    assert as_typed.suggestion.lower() == "hypertension"
    assert search(engine, "hypertension").suggestion == ""


def test_suggest_completes_titles_from_a_prefix(engine, indexed):
    suggestions = engine.suggest("negot")
    assert suggestions[0].title == "Negotiating your first contract"
    assert suggestions[0].url == indexed["contract"].url
    assert suggestions[0].kind == "guide"
    assert engine.suggest("") == []


@pytest.mark.parametrize(
    "typed",
    [
        "ne",
        "Neg",
        "nego",
        "negot",
        "negoti",
        "negotiat",
        "Negotiati",
        "negotiatin",
        "negotiating",
        "negotiating your fir",
    ],
)
def test_suggest_completes_from_a_prefix_of_any_length(engine, indexed, typed):
    # SQLite's FTS5 table keeps a prefix index for two letters only
    # (migration 0007): longer prefixes are read from the index's terms.
    # A part-word typed past the word's stem ("negotiat" of "negotiating",
    # whose stem is "negoti") is completed from the index's whole words.
    assert "Negotiating your first contract" in [s.title for s in engine.suggest(typed)]


def test_index_and_remove_single_pages(engine, indexed):
    page = indexed["hypertension"]
    page.title = "Treating hypertension and hyperkalaemia"
    page.save_revision().publish()
    documents, _ = documents_for([page.pk])
    engine.index(documents)
    assert titles(search(engine, "hyperkalaemia")) == ["Treating hypertension and hyperkalaemia"]
    engine.remove([page.pk])
    assert search(engine, "hyperkalaemia").total == 0
    assert page.pk not in engine.indexed_ids()
    engine.remove([page.pk, 987654])  # unknown ids are ignored


def test_rebuild_drops_pages_that_are_no_longer_published(engine, indexed):
    before = engine.indexed_ids()
    indexed["img"].unpublish()
    count = engine.rebuild(all_documents())
    assert count == len(before) - 1
    assert engine.indexed_ids() == before - {indexed["img"].pk}


@pytest.mark.analyzer_details
def test_stemming_matches_other_forms_of_a_word(engine, indexed):
    assert "Negotiating your first contract" in titles(search(engine, "negotiate contracts"))


@pytest.mark.analyzer_details
def test_title_matches_rank_above_body_matches(engine, indexed):
    # "pain" is in one title ("Chest pain refresher") and one summary.
    assert titles(search(engine, "chest pain"))[0] == "Chest pain refresher"


@pytest.mark.analyzer_details
def test_an_excluded_word_leaves_the_rest_ranked(engine, indexed):
    # "contract" is in the contract guide's title and the newer path's
    # summary. PostgreSQL's ts_rank gave every match of a query with a NOT
    # the same score, so the newest (the path) came first.
    assert titles(search(engine, "contract"))[0] == "Negotiating your first contract"
    found = titles(search(engine, "contract -sepsis"))
    assert found == ["Negotiating your first contract", "Early career essentials"]


QUERIES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("\"()*:^-+~ANDORNEAR/ \\'%;_\x00\u202e"), max_size=60),
    st.sampled_from(
        [
            '"unbalanced',
            "NEAR(chest pain, 3)",
            "title: sepsis",
            "sepsis*",
            "' OR 1=1 --",
            "'; DROP TABLE search_indexeddocument; --",
            "a" * 10_000,
            "\x00\x00",
            "ѕерsis 🩺 敗血症",
            "-",
            '""',
            "!!",
            "&|",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUERIES, page=st.integers(min_value=1, max_value=5))
def test_any_query_gives_results_or_none_never_an_error(engine, indexed, text, page):
    results = engine.search(SearchQuery(text=text, page=page, per_page=5))
    assert isinstance(results, SearchResults)
    assert results.total >= len(results.hits)
    assert all(hit.url for hit in results.hits)
    assert isinstance(engine.suggest(text), list)
