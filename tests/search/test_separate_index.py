"""The search index in a database of its own (SEARCH_DATABASE_URL,
search/database.py). These tests run only in that setup (CI has a pass for
it: `make test-separate-index`); without it they are deselected, not skipped.

The test databases are SQLite in memory, one per database: separate
databases with separate write locks, as the two files are in production.
The benchmark measures the files themselves (docs/benchmarks.md).
"""

import contextlib
import json

from django.db import DEFAULT_DB_ALIAS, connections, transaction

import pytest

from learning.journey import progress
from learning.models import StepCompletion
from search import indexing
from search.database import SEARCH_DB_ALIAS, atomic_index, index_alias, index_db
from search.documents import all_documents
from search.engines import get_embedded_engine
from search.engines.embedded import writing
from search.models import IndexedDocument, PendingIndexUpdate
from tests.factories import (
    GuidePageFactory,
    LearnerFactory,
    LearningPathPageFactory,
    from_step_page,
)

from .rebuild_helpers import _in_other_connection, found

pytestmark = pytest.mark.separate_index
TOKEN = "monitoring-token-0123456789abcdef"


@contextlib.contextmanager
def _index_table_gone(table):
    """The index's table renamed, as if its database had lost it; put back
    afterwards (the rename is rolled back with the savepoint around it)."""
    with atomic_index():
        with index_db.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_gone")
        yield
        transaction.set_rollback(True, using=index_alias())


def _tables(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_the_index_has_its_own_database_and_the_update_queue_stays_with_the_pages():
    index, site = _tables(SEARCH_DB_ALIAS), _tables(DEFAULT_DB_ALIAS)
    assert {"search_indexeddocument", "search_facetentry", "search_spellingterm"} <= index
    assert "search_fts" in index  # the full-text view the engine searches
    assert "wagtailcore_page" not in index
    assert "search_pendingindexupdate" in site
    assert "search_pendingindexupdate" not in index
    assert not {"search_indexeddocument", "search_fts"} & site


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_published_guide_is_found_and_its_queued_update_cleared():
    guide = GuidePageFactory(title="Handover checklist for night float", slug="night-handover")
    guide.save_revision().publish()
    assert PendingIndexUpdate.objects.filter(page_id=guide.pk).exists() is False  # done on commit
    assert IndexedDocument.objects.filter(page_id=guide.pk).exists()
    assert found("night float handover") == [guide.title]
    guide.unpublish()
    indexing.process_pending()
    assert found("night float handover") == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_learner_marks_a_step_complete_while_a_rebuild_holds_the_index_write_lock(
    client, monkeypatch
):
    """With one database the learner's write would wait for the rebuild's
    transaction (here: fail, as the rebuild waits for the learner); with the
    index in its own database it commits at once."""
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=3)
    learner = LearnerFactory(username="doctor-a")
    client.force_login(learner)
    first = progress.path_steps(path)[0].guide
    assert client.post(f"{path.url}enrol/").status_code == 302
    real = writing.write_document_rows
    during = []

    def write_and_let_a_learner_in(cursor, rows):
        written = real(cursor, rows)
        if not during:
            assert index_db.in_atomic_block  # the rebuild's batch is open
            response = _in_other_connection(
                lambda: client.post(
                    f"{path.url}steps/{first.pk}/complete/",
                    from_step_page(learner, path, first.pk),
                )
            )
            during.append(
                (response.status_code, StepCompletion.objects.filter(guide_id=first.pk).count())
            )
        return written

    monkeypatch.setattr(writing, "write_document_rows", write_and_let_a_learner_in)
    get_embedded_engine().rebuild(all_documents())
    assert during == [(302, 1)]
    assert len(found("sepsis")) >= 1


@pytest.mark.django_db
def test_healthz_checks_the_index_database_and_degrades_without_its_tables(client, settings):
    from curbside import health

    settings.HEALTHZ_TOKEN = TOKEN
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    health.forget_cached_result()
    body = json.loads(client.get("/healthz", headers=bearer).content)
    assert body["status"] == "ok"
    assert body["checks"]["search"]["index_database"] == "sqlite, its own"
    with _index_table_gone("search_indexstate"):
        health.forget_cached_result()
        response = client.get("/healthz", headers=bearer)
        body = json.loads(response.content)
    health.forget_cached_result()
    assert response.status_code == 200  # the site's own database answers
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["search"]["error"] == "OperationalError"  # no such table


@pytest.mark.django_db
def test_search_says_it_is_unavailable_when_the_index_database_is_not_readable(client):
    guide = GuidePageFactory(title="Handover checklist for night float", slug="night-handover")
    guide.save_revision().publish()
    indexing.process_pending()
    assert "checklist for night float" in client.get("/search/?q=handover").text
    with _index_table_gone("search_indexeddocument"):
        response = client.get("/search/?q=handover")
        suggestions = client.get("/search/suggest/?q=hando")
    page = response.text
    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]
    assert "Search is not available right now" in page
    assert "Please try again in a few minutes" in page
    assert "0 results" not in page
    assert suggestions.status_code == 200
    assert suggestions.json()["suggestions"] == []
    # Nothing was lost: the guide is found again once the index is back.
    assert "checklist for night float" in client.get("/search/?q=handover").text


@pytest.mark.django_db
def test_publishing_while_the_index_database_is_unreadable_loses_no_update(
    django_capture_on_commit_callbacks,
):
    guide = GuidePageFactory(title="Handover checklist for night float", slug="night-handover")
    with (
        _index_table_gone("search_indexeddocument"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        guide.save_revision().publish()  # the task runs and cannot write
    guide.refresh_from_db()
    assert guide.live  # the publish itself went through
    queued = PendingIndexUpdate.objects.get(page_id=guide.pk)
    assert queued.attempts == 1
    assert "search_indexeddocument" in queued.last_error
    assert found("night float handover") == []
    result = indexing.process_pending()  # the next run, with the index back
    assert (result.indexed, result.remaining) == (1, 0)
    assert found("night float handover") == [guide.title]
