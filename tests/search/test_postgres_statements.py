"""The PostgreSQL engine answers a search in two statements: one for the
page, its rows, the ids of every match (found once; the total and the facet
counts come from them, search/engines/embedded/facet_matrix.py) and the
query's lexemes, and one for the lexemes of the rows' words that could
match, to mark them (search/engines/embedded/marking.py), which the process
keeps: a search whose rows hold only words it has met is one statement. A
browse marks nothing: one statement. Before, each facet group repeated the match, and a
filter the planner misjudged made a search take 75 ms or more at 10,000
guides (docs/benchmarks.md); later the rows were a statement of their own.
The first search after the index changed reads the changed documents' facet
entries first (three statements more)."""

import dataclasses
from decimal import Decimal

import pytest

from search.documents import all_documents
from search.engines import MARK_END, MARK_START, SearchQuery, get_embedded_engine
from search.engines.postgres import forget_word_lexemes
from search.models import IndexedDocument
from search.query import parse

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(corpus):
    engine = get_embedded_engine()
    engine.rebuild(all_documents())
    engine.search(SearchQuery("care"))  # brings this process's facet entries up to date
    forget_word_lexemes()  # whatever other tests searched for
    return engine


def test_a_filtered_search_is_two_statements_with_every_facet(engine, django_assert_num_queries):
    query = SearchQuery("first", filters={"type": ("path",), "credit": ("yes",)})
    with django_assert_num_queries(2):
        results = engine.search(query)
    assert [hit.title for hit in results.hits] == ["Early career essentials"]
    assert results.total == 1
    # The row came back as JSON with the page: credits, dates and names as
    # the table holds them, and the matched word marked.
    (hit,) = results.hits
    row = IndexedDocument.objects.get(page_id=hit.page_id)
    assert hit.credits == row.credits and isinstance(hit.credits, Decimal)
    assert hit.release_date == row.release_date
    assert hit.mentors == tuple(n for n in row.mentor_names.split("\n") if n)
    assert f"{MARK_START}first{MARK_END}" in hit.snippet
    kinds = {v.value: v for f in results.facets if f.key == "type" for v in f.values}
    # Disjunctive: the type facet applies the credit filter but not its own;
    # no guide offers CME credit, so only the path is counted.
    assert kinds["path"].count == 1 and kinds["path"].selected
    assert "guide" not in kinds
    credit = {v.value: v for f in results.facets if f.key == "credit" for v in f.values}
    assert credit["yes"].count == 1 and credit["yes"].selected
    assert {f.key for f in results.facets} >= {"type", "topic", "mentor", "credit"}


def test_words_met_before_are_not_looked_up_again(engine, django_assert_num_queries):
    query = SearchQuery("screening")
    with django_assert_num_queries(2):
        first = engine.search(query)
    with django_assert_num_queries(1):
        again = engine.search(query)
    assert first.hits and again.hits == first.hits
    assert any(MARK_START in hit.snippet for hit in again.hits)
    # A word of the same rows that is new to the process is looked up.
    with django_assert_num_queries(2):
        other = engine.search(SearchQuery("sepsis"))
    assert any(f"{MARK_START}Sepsis{MARK_END}" in hit.title_highlight for hit in other.hits)


def test_the_lexeme_cache_is_emptied_when_full_and_marks_stay_right(engine, monkeypatch):
    from search.engines import postgres

    expected = engine.search(SearchQuery("sepsis screening"))
    monkeypatch.setattr(postgres, "LEXEME_CACHE_WORDS", 2)
    forget_word_lexemes()
    postgres.word_lexemes(["alarm", "tools"])
    marked = engine.search(SearchQuery("sepsis screening"))
    # The search's words did not fit beside the two: the cache started over.
    assert "alarm" not in postgres._lexemes_of and "sepsis" in postgres._lexemes_of
    assert marked.hits == expected.hits
    assert postgres.word_lexemes(["screening", "the"]) == {
        "screening": frozenset({"screen"}),
        "the": frozenset(),
    }


def test_a_browse_by_facet_is_one_statement(engine, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = engine.search(SearchQuery("", filters={"topic": ("career",)}))
    assert results.total == len(results.hits) > 0
    topics = {v.value: v for f in results.facets if f.key == "topic" for v in f.values}
    assert topics["career"].selected and topics["clinical"].count > 0


def test_the_first_search_after_a_change_reads_the_changed_entries(
    engine, django_assert_num_queries
):
    documents = list(all_documents())
    documents[0] = dataclasses.replace(documents[0], title=f"{documents[0].title}, revised")
    engine.rebuild(documents)
    with django_assert_num_queries(5):
        engine.search(SearchQuery("first"))
    with django_assert_num_queries(1):  # its words' lexemes known now
        engine.search(SearchQuery("first"))


def test_a_rebuild_that_changed_nothing_leaves_the_facet_entries_unread(
    engine, django_assert_num_queries
):
    # The rebuild wrote no row (test_rebuild_unchanged.py): the next search
    # reads the stamps and the facet values' names, finds no stamp changed
    # and reads no facet entries (one statement fewer than after a change).
    engine.rebuild(all_documents())
    with django_assert_num_queries(4):
        engine.search(SearchQuery("first"))


def test_highlights_for_ids_alone_are_the_searchs(engine):
    # A search marks the rows it read with its page; a caller with ids alone
    # (EmbeddedEngine._rows_and_highlights) gets the same marks.
    results = engine.search(SearchQuery("sepsis screening -visa"))
    (hit,) = results.hits
    row = IndexedDocument.objects.get(page_id=hit.page_id)
    rows, marked = engine._rows_and_highlights(parse("sepsis screening -visa"), False, [row.id])
    assert marked[row.id] == (hit.title_highlight, hit.snippet)
    assert rows[row.id].title == hit.title
