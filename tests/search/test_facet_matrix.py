"""Facet counts from each process's copy of the facet entries
(search/engines/embedded/facet_matrix.py): exact, and never behind the index.

The counts are checked against the documents themselves (their facet values
as the site builds them), for every combination of the corpus's filters, and
after each kind of change a learner would notice: a guide published, a guide
removed, a mentor renamed, a write rolled back."""

import itertools

import pytest

from search.database import atomic_index
from search.documents import all_documents, documents_for
from search.engines import FACET_KEYS, SearchQuery, get_embedded_engine
from search.engines.embedded import facet_matrix
from tests.factories import GuidePageFactory, MentorFactory
from tests.search.conftest import body
from tests.search.rebuild_helpers import _in_other_connection


@pytest.fixture
def engine(corpus):
    engine = get_embedded_engine()
    engine.rebuild(all_documents())
    return engine


def counted(results):
    return {(f.key, v.value): v.count for f in results.facets for v in f.values if v.count}


def expected(filters):
    """Total and disjunctive counts worked out from the documents."""
    documents = list(all_documents())

    def passes(document, skip=None):
        values = document.facet_values()
        return all(
            {v for v, _ in values[key]} & set(chosen)
            for key, chosen in filters.items()
            if key != skip
        )

    counts = {}
    for key in FACET_KEYS:
        for document in documents:
            if passes(document, skip=key if key in filters else None):
                for value, _ in document.facet_values()[key]:
                    counts[(key, value)] = counts.get((key, value), 0) + 1
    return sum(passes(d) for d in documents), counts


FILTERS = [
    {},
    {"type": ("guide",)},
    {"topic": ("career",)},
    {"topic": ("clinical", "practice")},
    {"mentor": ("ana-alvarez",), "topic": ("career",)},
    {"mentor": ("ben-brooks",), "type": ("path",)},
    {"specialty": ("internal-medicine",), "audience": ("resident",)},
    {"credit": ("yes",), "type": ("path", "guide")},
    {"topic": ("no-such-topic",)},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_browse_counts_match_the_documents_for_every_filter(engine, filters):
    results = engine.search(SearchQuery("", filters=filters))
    total, counts = expected(filters)
    assert results.total == total
    assert counted(results) == counts
    chosen = {(f.key, v.value) for f in results.facets for v in f.values if v.selected}
    assert chosen == {(key, value) for key, values in filters.items() for value in values}


def test_a_text_search_counts_only_its_matches(engine, corpus):
    results = engine.search(SearchQuery("first", filters={"topic": ("career",)}))
    assert results.total == 3
    assert counted(results)[("type", "guide")] == 2
    assert counted(results)[("type", "path")] == 1
    # Disjunctive: "clinical" has no match for "first", so it is not listed.
    assert ("topic", "clinical") not in counted(results)


def test_a_guide_indexed_after_a_search_is_counted_by_the_next(engine, corpus):
    before = engine.search(SearchQuery("", filters={"topic": ("practice",)}))
    guide = GuidePageFactory(
        title="Running a rural clinic's billing",
        slug="rural-billing",
        topic="practice",
        body=body("Coding visits correctly keeps a small practice open."),
        authors=[MentorFactory(name="Cleo Castro", slug="cleo-castro")],
    )
    engine.index(documents_for([guide.pk])[0])
    after = engine.search(SearchQuery("", filters={"topic": ("practice",)}))
    assert after.total == before.total + 1
    assert counted(after)[("mentor", "cleo-castro")] == 1
    assert counted(engine.search(SearchQuery("billing")))[("mentor", "cleo-castro")] == 1


def test_a_removed_guide_leaves_the_counts(engine, corpus):
    before = engine.search(SearchQuery(""))
    engine.remove([corpus["markup"].pk])
    after = engine.search(SearchQuery(""))
    assert after.total == before.total - 1
    assert counted(after).get(("topic", "practice"), 0) == (
        counted(before)[("topic", "practice")] - 1
    )


def test_a_guide_moved_to_another_topic_is_counted_under_it(engine, corpus):
    before = counted(engine.search(SearchQuery("")))
    guide = corpus["hypertension"]
    guide.topic = "practice"
    guide.save_revision().publish()
    engine.index(documents_for([guide.pk])[0])
    after = counted(engine.search(SearchQuery("")))
    assert after[("topic", "practice")] == before[("topic", "practice")] + 1
    assert after[("topic", "clinical")] == before[("topic", "clinical")] - 1


def test_a_renamed_mentor_shows_the_new_name(engine, corpus):
    engine.search(SearchQuery(""))
    mentor = corpus["contract"].authors.first().mentor
    mentor.name = "Benjamin Brooks"
    mentor.save()
    engine.index(documents_for([corpus["contract"].pk, corpus["hypertension"].pk])[0])
    mentors = {
        v.value: v.label
        for f in engine.search(SearchQuery("")).facets
        if f.key == "mentor"
        for v in f.values
    }
    assert mentors["ben-brooks"] == "Benjamin Brooks"


def test_a_write_rolled_back_is_never_counted(engine, corpus):
    """The copy read inside a transaction that is then rolled back is not
    taken for the index's state afterwards, even when later writes happen
    before the next search."""
    before = engine.search(SearchQuery(""))
    guide = GuidePageFactory(title="Locum tenens basics", slug="locum-basics", topic="career")
    documents, _ = documents_for([guide.pk])
    with pytest.raises(RuntimeError), atomic_index():
        engine.index(documents)
        inside = engine.search(SearchQuery(""))
        assert inside.total == before.total + 1
        raise RuntimeError("roll back")
    assert engine.search(SearchQuery("")).total == before.total
    # Two writes, then a search: both counted, nothing of the rolled-back one.
    other = GuidePageFactory(title="Locum contracts", slug="locum-contracts", topic="career")
    engine.index(documents_for([other.pk])[0])
    engine.index(documents_for([guide.pk])[0])
    results = engine.search(SearchQuery("", filters={"topic": ("career",)}))
    assert results.total == expected({"topic": ("career",)})[0]


def test_every_combination_of_two_filters_matches_the_documents(engine):
    """Derandomised sweep: each pair of facet values present in the corpus."""
    values = sorted(counted(engine.search(SearchQuery(""))))
    for (key_a, value_a), (key_b, value_b) in itertools.combinations(values, 2):
        filters = {key_a: (value_a,)}
        filters[key_b] = tuple(sorted(set(filters.get(key_b, ())) | {value_b}))
        results = engine.search(SearchQuery("", filters=filters))
        assert (results.total, counted(results)) == expected(filters), filters


def test_a_new_process_copy_reads_every_entry(engine):
    results = engine.search(SearchQuery(""))
    facet_matrix.forget()
    assert engine.search(SearchQuery("")) == results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_committed_by_another_connection_is_counted_here():
    """Another process (here another connection) indexes a guide; this
    process's copy, read before, is brought up to date by its next search."""
    engine = get_embedded_engine()
    engine.rebuild(all_documents())
    before = engine.search(SearchQuery("", filters={"topic": ("practice",)})).total
    guide = GuidePageFactory(title="Overhead of a two-doctor practice", slug="overhead-2")
    guide.topic = "practice"
    guide.save_revision().publish()
    _in_other_connection(lambda: engine.index(documents_for([guide.pk])[0]))
    after = engine.search(SearchQuery("", filters={"topic": ("practice",)}))
    assert after.total == before + 1
    assert "Overhead of a two-doctor practice" in [hit.title for hit in after.hits]


@pytest.mark.parametrize("text", ["first", "sepsis", "family"])
def test_a_text_search_without_filters_counts_what_each_filter_would_find(engine, text):
    """A text search with no filter counts its matches' values on a path of
    its own: each count is what choosing that value alone finds, and every
    value such a filter finds is counted."""
    results = engine.search(SearchQuery(text))
    counts = counted(results)
    assert results.total and counts
    for (key, value), count in counts.items():
        assert engine.search(SearchQuery(text, filters={key: (value,)})).total == count
    for facet, value in set(expected({})[1]) - set(counts):
        assert not engine.search(SearchQuery(text, filters={facet: (value,)})).total
