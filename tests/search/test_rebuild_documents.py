"""What a full rebuild of the embedded index writes: the documents it builds
in bulk are the ones a single page's update builds (drafts and private
pages left out, abbreviations spelt out only for whole words); its rows,
written as many-row statements, are those indexing every page at once
writes, every value read back as written; a rebuild over unchanged guides
rewrites no facet entry.
"""

from django.db import connection

import pytest

from search import indexing
from search.documents import all_documents, documents_for
from search.engines import SearchQuery, get_embedded_engine
from search.models import IndexedDocument

from .rebuild_helpers import _guides


def test_bulk_documents_are_the_documents_of_single_page_updates(corpus):
    """all_documents (a rebuild) reads guides as plain columns; each document
    must equal what documents_for (publishing one page) builds."""
    bulk = {d.page_id: d for d in all_documents()}
    single, gone = documents_for(bulk)
    assert not gone
    assert {d.page_id: d for d in single} == bulk
    guides = [d for d in bulk.values() if d.kind == "guide"]
    assert guides and all(d.url and d.body for d in guides)
    assert any(d.mentors for d in guides)


def test_bulk_documents_leave_out_drafts_and_private_pages(corpus):
    ids = {d.page_id for d in all_documents()}
    assert not ids & {page.pk for page in corpus["hidden"]}


def test_abbreviations_are_spelt_out_only_for_whole_words_in_capitals():
    """A document's meta text spells out "CAP" (community acquired
    pneumonia) where the text says CAP, not "caps", "XCAP" or "CAP2"; the
    quick scan finds what the abbreviation pattern itself finds."""
    from search.abbreviations import _capitals_pattern, expansions_in

    pattern, spelt_out = _capitals_pattern()
    texts = [
        "Treat CAP early.",
        "(CAP) and SOB/PE",
        "XCAP CAPS cap CAP2 2CAP ÉCAP CAPÉ",
        "_CAP_ and CAP_",
        "MI, then MI again; ED.",
        "",
    ]
    for text in texts:
        expected = list(dict.fromkeys(spelt_out[m.group(1)] for m in pattern.finditer(text)))
        assert expansions_in(text) == expected, text
    assert expansions_in("Treat CAP early.") == ["community acquired pneumonia"]
    assert expansions_in("XCAP CAPS cap CAP2 2CAP ÉCAP CAPÉ") == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_rebuild_writes_the_rows_page_updates_write(small_batches, monkeypatch):
    """Rows go as few many-row statements (search/engines/embedded/bulk.py;
    here at most 40 parameters each, so every batch takes several): a
    rebuild, batch by batch, leaves the index that indexing every page at
    once writes, facets included."""
    from search.engines.embedded import bulk
    from search.models import FacetEntry

    monkeypatch.setattr(bulk, "PARAMETERS_PER_STATEMENT", 40)

    _guides(9)
    engine = get_embedded_engine()

    def snapshot():
        documents = IndexedDocument.objects.values_list(
            "page_id", "title", "body", "meta", "mentor_names", "topic_labels"
        )
        entries = FacetEntry.objects.values_list(
            "document__page_id", "facet_value__facet", "facet_value__value"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT page_id, facet_ids FROM search_indexeddocument")
            facet_ids = sorted(cursor.fetchall())
        return sorted(documents), sorted(entries), facet_ids

    engine.index(all_documents())
    by_page = snapshot()
    IndexedDocument.objects.all().delete()
    indexing.rebuild([engine])
    assert snapshot() == by_page
    results = engine.search(SearchQuery(text="handover", filters={"mentor": ("rosa-okafor",)}))
    assert results.total == 9


@pytest.mark.django_db
def test_rewriting_a_document_moves_only_the_facet_entries_that_changed():
    """A guide moved to another topic counts under its new topic at once;
    its other facet entries (type, audience, mentor) are the same rows as
    before, and a rebuild over unchanged guides rewrites none of them
    (writing.replace_facet_entries)."""
    from cms.choices import Topic
    from search.models import FacetEntry

    guides = _guides(3)
    engine = get_embedded_engine()
    engine.index(all_documents())

    def entries(page):
        return dict(
            FacetEntry.objects.filter(document__page_id=page.pk).values_list(
                "facet_value__value", "id"
            )
        )

    before = entries(guides[0])
    assert {"clinical", "guide", "resident", "rosa-okafor"} <= set(before)
    moved = guides[0]
    moved.topic = Topic.CAREER
    moved.save_revision().publish()
    engine.index(documents_for([moved.pk])[0])

    results = engine.search(SearchQuery(text="handover"))
    topics = {v.value: v.count for f in results.facets if f.key == "topic" for v in f.values}
    assert topics["career"] == 1 and topics["clinical"] == 2
    after = entries(moved)
    assert "clinical" not in after and "career" in after
    for value in ("guide", "resident", "rosa-okafor"):
        assert after[value] == before[value]

    every = list(FacetEntry.objects.order_by("id").values_list("id", flat=True))
    indexing.rebuild([engine])
    assert list(FacetEntry.objects.order_by("id").values_list("id", flat=True)) == every
    assert engine.search(SearchQuery(text="handover", filters={"topic": ("career",)})).total == 1


@pytest.mark.django_db
def test_rows_keep_every_value_as_written_new_or_rewritten():
    """Rows go to PostgreSQL as one array a column (bulk.py): text with
    quotes, braces, commas, backslashes or the word NULL, missing dates and
    credits, and a document with no facet values read back exactly as
    written, whether the row is new (a rebuild's insert) or rewritten in
    place (its update); SQLite's plain statements the same."""
    import datetime
    import decimal

    from search.engines import SearchDocument

    def document(page_id, title, **fields):
        values = {
            "kind": "guide",
            "url": f"/guides/odd-{page_id}/",
            "summary": 'Say "NULL", {braces}, a, b',
            "objectives": "C:\\path\\to\\notes; it's “quoted”",
            "body": "NULL",
        }
        values.update(fields)
        return SearchDocument(page_id=page_id, title=title, **values)

    documents = [
        document(
            910001,
            'The {"odd"} guide, NULL \\ and more',
            credits=decimal.Decimal("1.25"),
            release_date=datetime.date(2026, 2, 28),
            topics=(("clinical", "Clinical judgment"),),
        ),
        document(910002, "NULL"),
    ]
    columns = ("title", "summary", "objectives", "body", "credits", "release_date")

    def stored():
        rows = IndexedDocument.objects.filter(page_id__in=[910001, 910002]).order_by("page_id")
        return [tuple(getattr(row, c) for c in columns) for row in rows]

    expected = [tuple(getattr(d, c) for c in columns) for d in documents]
    engine = get_embedded_engine()
    engine.rebuild(documents)  # new rows
    assert stored() == expected
    engine.rebuild(documents)  # the same rows, rewritten in place
    assert stored() == expected
    assert IndexedDocument.objects.filter(page_id__in=[910001, 910002]).count() == 2
    found = engine.search(SearchQuery(text="odd guide", filters={"topic": ("clinical",)}))
    assert [hit.page_id for hit in found.hits] == [910001]
    assert found.hits[0].credits == decimal.Decimal("1.25")
