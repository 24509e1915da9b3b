"""A full rebuild of the embedded index: the documents it builds in bulk are
the ones a single page's update builds; it commits batch by batch, so other
connections write (and read the new rows) between batches; a page changed
during a rebuild is searchable as changed afterwards (the outbox catches up).
"""

import multiprocessing
import os
import threading
import time

from django.db import connection, connections, transaction
from django.utils import timezone

import pytest

from search import indexing
from search.documents import all_documents, documents_for
from search.engines import SearchQuery, get_embedded_engine
from search.models import IndexedDocument, PendingIndexUpdate
from tests.factories import GuidePageFactory, MentorFactory

from .conftest import body


def found(text):
    results = get_embedded_engine().search(SearchQuery(text=text))
    return [hit.title for hit in results.hits]


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


def _guides(count):
    mentor = MentorFactory(name="Rosa Okafor", slug="rosa-okafor")
    return [
        GuidePageFactory(
            title=f"Handover checklist {i}",
            slug=f"handover-{i}",
            body=body(f"Read back the plan for bed {i} before you leave."),
            authors=[mentor],
        )
        for i in range(count)
    ]


def _in_other_connection(action):
    """Run ``action`` in another thread, so on another database connection;
    return what it returned (or raise what it raised)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = action()
        except Exception as error:  # reported to the test below
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the other connection waited for the rebuild"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rebuild_commits_each_batch_so_other_connections_write_between(small_batches):
    _guides(12)
    IndexedDocument.objects.all().delete()
    seen_by_other, reported = [], []

    def between_batches(engine, count):
        assert not connection.in_atomic_block
        reported.append(sum(reported[-1:]) + count)
        # Another connection writes (what an editor's publish writes) and
        # sees the documents written so far.
        _in_other_connection(
            lambda: PendingIndexUpdate.objects.create(
                page_id=10**9 + len(seen_by_other), requested_at=timezone.now()
            )
        )
        seen_by_other.append(_in_other_connection(IndexedDocument.objects.count))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert len(seen_by_other) >= 3
    # A batch is reported once committed. On PostgreSQL two are written side
    # by side (batch_writer.py), so the next may be committed too.
    assert all(seen >= done for seen, done in zip(seen_by_other, reported, strict=True))
    if connection.vendor == "sqlite":
        assert seen_by_other[:3] == [4, 8, 12]
    assert seen_by_other == sorted(seen_by_other)
    assert len(found("handover checklist")) == 10  # a page of results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_changed_during_a_rebuild_is_found_as_changed_afterwards(small_batches, monkeypatch):
    guides = _guides(10)
    first = guides[0]
    # The outbox row is written with the change; the task that would apply it
    # at once does not run, as with a worker that is busy or down.
    monkeypatch.setattr(indexing, "_announce", lambda: None)
    changed = []

    def between_batches(engine, count):
        if not changed:  # the first guide's document is already rewritten
            first.title = "Handover in the emergency department"
            first.save_revision().publish()
            changed.append(first.pk)
            assert PendingIndexUpdate.objects.filter(page_id=first.pk).exists()

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert changed
    assert found("emergency department handover") == ["Handover in the emergency department"]
    assert not PendingIndexUpdate.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_searches_answer_during_a_rebuild(small_batches):
    _guides(10)
    get_embedded_engine().rebuild(all_documents())
    during = []

    def between_batches(engine, count):
        during.append(len(found("handover checklist")))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    assert during and all(n == 10 for n in during)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_rebuild_commits_batches_other_connections_see(small_batches):
    _guides(9)
    IndexedDocument.objects.all().delete()
    seen, reported = [], []

    def between_batches(engine, count):
        reported.append(sum(reported[-1:]) + count)
        seen.append(_in_other_connection(IndexedDocument.objects.count))

    indexing.rebuild([get_embedded_engine()], progress=between_batches)
    # Each batch is committed when reported (two are written side by side,
    # so the next one may be too), and none before it is missing.
    assert reported[:2] == [4, 8]
    assert all(n >= done for n, done in zip(seen, reported, strict=True))
    assert seen == sorted(seen) and seen[-1] == IndexedDocument.objects.count()


def _no_builder_left():
    """No builder process is left running or unreaped."""
    return not [p for p in multiprocessing.active_children() if p.name.startswith("search-")]


def test_prefetched_documents_come_in_order_from_another_process(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        for i in range(prefetch.CHUNK * 3 + 7):
            yield (i, os.getpid(), os.nice(0))

    items = list(prefetch.prefetched(make))
    assert [i for i, _, _ in items] == list(range(prefetch.CHUNK * 3 + 7))
    assert {pid for _, pid, _ in items} - {os.getpid()}, "built in this process"
    # Behind the rebuild's writer and learners' requests for a processor.
    assert {nice for _, _, nice in items} == {min(19, os.nice(0) + prefetch.BUILDER_NICENESS)}
    assert _no_builder_left()


def test_prefetched_raises_the_builders_error_here(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        yield 1
        raise ValueError("a guide's body could not be read")

    with pytest.raises(ValueError, match="could not be read") as raised:
        list(prefetch.prefetched(make))
    assert "document builder process" in "".join(getattr(raised.value, "__notes__", []))
    assert _no_builder_left()


def test_a_builder_that_dies_is_an_error_here_not_a_short_index(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        yield 1
        os._exit(3)  # killed, out of memory...

    with pytest.raises(RuntimeError, match="ended early"):
        list(prefetch.prefetched(make))
    assert _no_builder_left()


def test_a_reader_that_stops_early_ends_the_builder(monkeypatch):
    from search import prefetch

    monkeypatch.setattr(prefetch, "_can_use_process", lambda: True)

    def make():
        yield from range(10**9)

    items = prefetch.prefetched(make)
    assert [next(items) for _ in range(5)] == list(range(5))
    items.close()
    assert _no_builder_left()


@pytest.mark.django_db
def test_prefetched_builds_here_inside_a_transaction():
    """Another connection would not see this transaction's writes."""
    from search import prefetch

    with transaction.atomic():
        assert set(prefetch.prefetched(lambda: iter([os.getpid()]))) == {os.getpid()}


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_prefetched_builds_here_on_an_in_memory_sqlite_database():
    from search import prefetch

    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        pytest.skip("the test database is not in-memory SQLite")
    assert not connection.in_atomic_block
    assert set(prefetch.prefetched(lambda: iter([os.getpid()]))) == {os.getpid()}


def _sessions(settle_to=None):
    """The sessions connected to the test database (PostgreSQL). With
    ``settle_to``, waits up to 5 s for the count to come down to it: the
    server ends a session a moment after its client closed the connection
    (longer on a busy machine), while a connection left open never ends."""
    deadline = time.monotonic() + 5
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            count = cursor.fetchone()[0]
        if settle_to is None or count <= settle_to or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_rebuild_builds_in_another_process_and_leaves_no_connection():
    _guides(6)
    IndexedDocument.objects.all().delete()

    before = _sessions()
    indexing.rebuild([get_embedded_engine()])
    assert len(found("handover checklist")) == 6
    assert _no_builder_left()
    assert _sessions(settle_to=before) <= before


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
