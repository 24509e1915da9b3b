"""Highlights worked out in Python (search/engines/embedded/marking.py): the
PostgreSQL engine marks the words whose lexemes the query has, and shows the
window of the body with the most of them.

The window tests use lower-case words as their own lexemes (a plain
function, not a stand-in for the database: which words match is an input of
the window rule). The tests marked postgres look the lexemes up in
PostgreSQL itself and compare the marks with ts_headline's."""

import pytest

from search.engines.base import MARK_END, MARK_START
from search.engines.embedded.marking import (
    SNIPPET_WORDS,
    Marker,
    mark,
    query_lexemes,
    snippet,
)


def shown(text: str) -> str:
    return text.replace(MARK_START, "[").replace(MARK_END, "]")


def as_is(words):
    return {word: frozenset({word}) for word in words}


def spans_of(text, *lexemes):
    return Marker(frozenset(lexemes), as_is).spans([text])[0]


def test_query_lexemes_read_every_word_of_the_tsquery_and_drop_signs():
    text = "'share' <-> 'decis' <-> 'make' & 'j' <-> '-1' | 'o''brien' & 'sepsi':*"
    assert query_lexemes(text) == {"share", "decis", "make", "j", "1", "o'brien", "sepsi"}
    assert query_lexemes("") == frozenset()


def test_only_whole_words_whose_lexemes_match_are_marked():
    text = "Sepsis, asepsis and SEPSIS: sepsis-like shock."
    spans = spans_of(text, "sepsis")
    assert shown(mark(text, spans)) == "[Sepsis], asepsis and [SEPSIS]: [sepsis]-like shock."


def test_a_word_is_a_candidate_whatever_its_y_or_i():
    # The stemmer ends "therapy" in "therapi"; both spellings reach the lookup.
    looked_up = []

    def lookup(words):
        looked_up.extend(words)
        return {w: frozenset({"therapi"}) if w.startswith("therap") else frozenset() for w in words}

    text = "Therapy and therapies; thorax is not."
    spans = Marker(frozenset({"therapi"}), lookup).spans([text])[0]
    assert shown(mark(text, spans)) == "[Therapy] and [therapies]; thorax is not."
    assert "thorax" not in looked_up  # only words starting with "the" (or "thy")
    assert sorted(set(looked_up)) == ["therapies", "therapy"]


def test_no_lexemes_no_lookup_no_marks():
    def lookup(words):
        raise AssertionError("nothing to look up")

    assert Marker(frozenset(), lookup).spans(["any text", ""]) == [[], []]


def test_the_snippet_is_the_window_with_the_most_different_words():
    filler = " ".join(f"w{i}" for i in range(60))
    text = f"alpha {filler} alpha beta closing words here"
    spans = spans_of(text, "alpha", "beta")
    result = snippet(text, spans)
    assert shown(result).startswith("w56 w57 w58 w59 [alpha] [beta]")
    assert len(result.split()) <= SNIPPET_WORDS


def test_the_snippet_keeps_a_few_words_of_context_and_the_text_as_is():
    text = "One two three four five six seven <b>sepsis</b> & shock eight nine."
    result = snippet(text, spans_of(text, "sepsis", "shock"))
    assert shown(result) == "four five six seven <b>[sepsis]</b> & [shock] eight nine."


def test_a_match_at_the_very_start_or_end():
    assert shown(snippet("Sepsis first.", spans_of("Sepsis first.", "sepsis"))) == (
        "[Sepsis] first."
    )
    assert shown(snippet("Last is sepsis", spans_of("Last is sepsis", "sepsis"))) == (
        "Last is [sepsis]"
    )


def test_no_match_no_snippet():
    assert snippet("Nothing to see.", []) == ""


def test_a_long_text_gives_at_most_the_window():
    text = " ".join(["sepsis"] + ["word"] * 500)
    result = snippet(text, spans_of(text, "sepsis"))
    assert len(result.split()) == SNIPPET_WORDS


def test_a_letter_whose_lower_case_is_longer_does_not_shift_the_marks():
    text = "İstanbul sepsis"  # "İ".lower() is two characters
    assert shown(mark(text, spans_of(text, "sepsis"))) == "İstanbul [sepsis]"


# --- against PostgreSQL's own text search -----------------------------------

TEXTS = [
    "Recognising sepsis before the lactate comes back: septic shock in children.",
    "Families ask about the family meeting; therapies and therapy differ.",
    "A J-1 visa waiver for PGY-1 residents; the patient's decision-making capacity.",
    "Shared decision making: deciding together, decisions recorded, made and shared.",
    "Hypertension, hypertensive urgency and HYPERTENSION in young women.",
]
QUERIES = [
    "sepsis",
    "family therapy",
    "J-1 visa",
    '"shared decision making"',
    "hypertension women",
    "patient capacity",
]


def _headline_words(cursor, text, query):
    cursor.execute(
        "SELECT ts_headline('english', %s, websearch_to_tsquery('english', %s), %s)",
        [text, query, f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"],
    )
    return _marked_words(cursor.fetchone()[0])


def _marked_words(marked):
    words, rest = [], marked
    while MARK_START in rest:
        rest = rest.split(MARK_START, 1)[1]
        word, rest = rest.split(MARK_END, 1)
        words.append(word)
    return words


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_marks_agree_with_postgresql_ts_headline(query):
    from django.db import connection

    from search.engines.postgres import word_lexemes

    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [query])
        marker = Marker(query_lexemes(cursor.fetchone()[0]), word_lexemes)
        for text in TEXTS:
            ours = _marked_words(mark(text, marker.spans([text])[0]))
            theirs = _headline_words(cursor, text, query)
            # ts_headline marks "-1" in "J-1" with its sign; the word is the same.
            assert [w.lstrip("-") for w in ours] == [w.lstrip("-") for w in theirs], text
