"""The engine contract, continued: search that reads like a clinician.
Partial matches ranked by how many words they have and how rare those are,
clinical and career abbreviations in both directions (with the ones that are
also everyday words expanded only in capitals), and a misspelling corrected
into results. Every engine (see conftest.py)."""

import json

import pytest

from search.documents import all_documents
from search.engines import SearchQuery
from tests.factories import GuidePageFactory


def body(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def guide(title, text, **kwargs):
    slug = "-".join(title.lower().replace(":", "").split())[:50]
    return GuidePageFactory(title=title, slug=slug, body=body(text), **kwargs)


def titles(results):
    return [hit.title for hit in results.hits]


def search(engine, text, **kwargs):
    return engine.search(SearchQuery(text=text, per_page=50, **kwargs))


@pytest.fixture
def rota_library(engine, db):
    """ "rota" in four guides, "night" in four, "fatigue" in two; no guide
    has "sabbatical", so no guide matches every word of the search."""
    guide("Evening boundaries", "Notes on rota and night and fatigue.")
    guide("Saying no", "Notes on rota and fatigue.")
    guide("Call schedules", "Notes on rota and night.")
    guide("Clinic templates", "Notes on rota.")
    guide("Grief rounds", "Notes on night.")
    guide("Hospice visits", "Notes on night.")
    engine.rebuild(all_documents())


def test_partial_matches_rank_more_words_then_rarer_words_first(engine, rota_library):
    results = search(engine, "rota night fatigue sabbatical")
    assert not results.matched_all_words
    found = titles(results)
    # Three of the four words; two with the rare "fatigue"; two common ones;
    # then the guides with one word, in any order.
    assert found[:3] == ["Evening boundaries", "Saying no", "Call schedules"]
    assert set(found[3:]) == {"Clinic templates", "Grief rounds", "Hospice visits"}
    assert results.total == 6
    # An excluded word still excludes.
    without = titles(search(engine, "rota night fatigue sabbatical -hospice"))
    assert without[:3] == found[:3] and "Hospice visits" not in without


def test_work_life_balance_finds_guides_on_burnout_not_account_balances(engine, db):
    guide("Saying no: protecting time for the work that matters", "Say no before burnout.")
    guide("Your first PDSA cycle", "Work on one change; watch a balancing measure.")
    guide("Reading your financial dashboard", "Work through unpaid patient balances.")
    guide("Well being on nights", "Rest before the last night shift.")
    engine.rebuild(all_documents())
    found = titles(search(engine, "work life balance"))
    assert set(found) == {
        "Saying no: protecting time for the work that matters",
        "Well being on nights",
    }
    # One way: burnout does not bring in every guide on wellbeing.
    assert titles(search(engine, "burnout")) == [
        "Saying no: protecting time for the work that matters"
    ]


@pytest.fixture
def abbreviation_library(engine, db):
    guide("CAP in the ED: choosing antibiotics", "Treat CAP within the first hour.")
    guide("Salary negotiations", "Ask whether the bonus has a cap before you sign.")
    guide("Community acquired pneumonia scores", "CURB-65 and when to admit.")
    guide("Kidney safety on the wards", "Spotting acute kidney injury after contrast.")
    guide("Holding nephrotoxins in AKI", "Stop what harms the kidney.")
    guide(
        "Visa options for international medical graduates", "Most arrive on a J-1; some on an H-1B."
    )
    guide("STEMI activation from the field", "Call the cath lab early.")
    engine.rebuild(all_documents())


def test_clinical_abbreviations_expand_both_ways(engine, abbreviation_library):
    both = {"Kidney safety on the wards", "Holding nephrotoxins in AKI"}
    assert set(titles(search(engine, "AKI"))) == both
    assert set(titles(search(engine, "acute kidney injury"))) == both
    assert set(titles(search(engine, "aki"))) == both  # not an everyday word
    assert "STEMI activation from the field" in titles(
        search(engine, "ST elevation myocardial infarction")
    )


def test_career_abbreviations_match_however_they_are_written(engine, abbreviation_library):
    visas = "Visa options for international medical graduates"
    for text in ("J-1", "J1", "exchange visitor visa", "H1B", "h-1b"):
        assert titles(search(engine, text)) == [visas], text
    assert visas in titles(search(engine, "IMG"))


def test_abbreviations_that_are_words_expand_only_in_capitals(engine, abbreviation_library):
    ed_guide = "CAP in the ED: choosing antibiotics"
    pneumonia = {ed_guide, "Community acquired pneumonia scores"}
    # In capitals, CAP is the pneumonia, never a salary cap.
    assert set(titles(search(engine, "CAP"))) == pneumonia
    assert set(titles(search(engine, "community acquired pneumonia"))) == pneumonia
    # In lower case it is the word: the salary cap, and any guide with the word.
    lower = set(titles(search(engine, "cap")))
    assert "Salary negotiations" in lower
    assert "Community acquired pneumonia scores" not in lower
    # "ED" in capitals finds the emergency department, both ways.
    assert ed_guide in titles(search(engine, "ED"))
    assert ed_guide in titles(search(engine, "emergency department"))


@pytest.fixture
def burnout_library(engine, db):
    guide("Recognising burnout early", "Exhaustion, cynicism and doubt.", topic="career")
    guide("Treating hypertension", "Confirm with home readings.")
    engine.rebuild(all_documents())


def test_a_misspelling_with_no_results_shows_the_corrections_results(engine, burnout_library):
    results = search(engine, "burnot")
    assert results.corrected_query == "burnout"
    assert titles(results) == ["Recognising burnout early"]
    assert results.query.text == "burnot"  # what was typed, for "Search instead for"
    assert results.suggestion == ""


def test_searching_as_typed_offers_the_correction_instead(engine, burnout_library):
    results = search(engine, "burnot", correct_spelling=False)
    assert results.corrected_query == ""
    assert results.suggestion == "burnout"


def test_a_correction_without_results_stays_a_suggestion(engine, burnout_library):
    results = search(engine, "burnot", filters={"topic": ("clinical",)})
    assert results.total == 0 and results.corrected_query == ""
    assert results.suggestion == "burnout"


def test_correct_words_are_never_corrected(engine, burnout_library):
    results = search(engine, "burnout")
    assert results.corrected_query == "" and results.suggestion == ""
    assert titles(results) == ["Recognising burnout early"]
