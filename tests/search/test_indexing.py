"""Publishing, unpublishing, moving, restricting and deleting pages keep the
index in step through the queued task; an unreachable Elasticsearch delays
updates without losing them, and searches fall back to the embedded engine."""

import io
import os

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from wagtail.models import PageViewRestriction

import pytest

from search import site_search
from search.checks import external_engine_reachable
from search.engines import SearchQuery, get_embedded_engine
from search.indexing import process_pending
from search.models import PendingIndexUpdate
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory

from .conftest import ES_URL, body

# A loopback port nothing listens on: a real "connection refused".
CLOSED = "http://127.0.0.1:9"


def found(text, **filters):
    results = get_embedded_engine().search(SearchQuery(text=text, filters=filters))
    return [hit.title for hit in results.hits]


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what would run after commit (the indexing task), as in production."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result

    return run


@pytest.fixture
def guide(db, run_tasks):
    mentor = MentorFactory(name="Grace Ngata", slug="grace-ngata")
    page = GuidePageFactory(
        title="Bronchiolitis at 3 a.m.",
        slug="bronchiolitis",
        live=False,
        body=body("High-flow oxygen is not a substitute for reassessment."),
        authors=[mentor],
    )
    run_tasks(lambda: page.save_revision().publish())
    page.refresh_from_db()
    return page


def test_publishing_indexes_and_unpublishing_removes(guide, run_tasks):
    assert found("bronchiolitis") == ["Bronchiolitis at 3 a.m."]
    assert not PendingIndexUpdate.objects.exists()

    guide.title = "Bronchiolitis overnight"
    run_tasks(lambda: guide.save_revision().publish())
    guide.refresh_from_db()
    assert found("bronchiolitis") == ["Bronchiolitis overnight"]

    run_tasks(guide.unpublish)
    assert found("bronchiolitis") == []


def test_a_draft_edit_changes_nothing_until_published(guide, run_tasks):
    guide.title = "Bronchiolitis draft rewrite"
    run_tasks(guide.save_revision)
    assert found("bronchiolitis") == ["Bronchiolitis at 3 a.m."]


def test_deleting_removes_from_the_index(guide, run_tasks):
    run_tasks(guide.delete)
    assert found("bronchiolitis") == []
    assert guide.pk not in get_embedded_engine().indexed_ids()


def test_a_view_restriction_hides_and_lifting_it_shows_again(guide, run_tasks):
    restriction = run_tasks(
        lambda: PageViewRestriction.objects.create(
            page=guide, restriction_type="password", password="secret"
        )
    )
    assert found("bronchiolitis") == []
    run_tasks(restriction.delete)
    assert found("bronchiolitis") == ["Bronchiolitis at 3 a.m."]


def test_restricting_a_parent_section_hides_its_guides(guide, run_tasks):
    section = guide.get_parent()
    restriction = run_tasks(
        lambda: PageViewRestriction.objects.create(
            page=section, restriction_type="password", password="x"
        )
    )
    assert found("bronchiolitis") == []
    run_tasks(restriction.delete)
    assert found("bronchiolitis") == ["Bronchiolitis at 3 a.m."]


def test_a_new_section_slug_updates_every_result_url(guide, run_tasks):
    section = guide.get_parent().specific
    section.slug = "library"
    run_tasks(lambda: section.save_revision().publish())
    hit = get_embedded_engine().search(SearchQuery(text="bronchiolitis")).hits[0]
    assert hit.url == "/library/bronchiolitis/"


def test_moving_a_page_queues_it_and_the_task_applies_it(guide, django_capture_on_commit_callbacks):
    other = GuidePageFactory(title="Croup", slug="croup")
    with django_capture_on_commit_callbacks() as callbacks:
        guide.move(other, pos="left")
    assert set(PendingIndexUpdate.objects.values_list("page_id", flat=True)) == {guide.pk}
    for callback in callbacks:
        callback()
    assert not PendingIndexUpdate.objects.exists()
    assert found("bronchiolitis") == ["Bronchiolitis at 3 a.m."]


def test_renaming_a_mentor_reindexes_their_guides(guide, run_tasks):
    mentor = guide.authors.get().mentor
    mentor.name = "Grace Ngata-Whitfield"
    run_tasks(mentor.save)
    assert found("Whitfield") == ["Bronchiolitis at 3 a.m."]


def test_a_path_follows_its_guides(guide, run_tasks):
    path = LearningPathPageFactory(title="Winter paediatrics", slug="winter", steps=[guide])
    run_tasks(lambda: path.save_revision().publish())
    assert found("Ngata", type=("path",)) == ["Winter paediatrics"]
    mentor = guide.authors.get().mentor
    mentor.name = "Grace Whitfield"
    run_tasks(mentor.save)
    assert found("Whitfield", type=("path",)) == ["Winter paediatrics"]


@override_settings(ELASTICSEARCH_URL=CLOSED, ELASTICSEARCH_TIMEOUT=1)
def test_with_elasticsearch_down_updates_stay_queued_and_search_falls_back(guide, run_tasks):
    guide.title = "Bronchiolitis in the small hours"
    run_tasks(lambda: guide.save_revision().publish())
    # The embedded index has the change; Elasticsearch's copy is queued.
    assert found("bronchiolitis") == ["Bronchiolitis in the small hours"]
    pending = PendingIndexUpdate.objects.get()
    assert pending.page_id == guide.pk
    assert pending.attempts == 1
    assert "127.0.0.1:9" in pending.last_error

    answer = site_search.search(SearchQuery(text="bronchiolitis"))
    assert answer.notice == site_search.FALLBACK_NOTICE
    assert [hit.title for hit in answer.results.hits] == ["Bronchiolitis in the small hours"]
    assert [s.title for s in site_search.suggest("bronch")] == ["Bronchiolitis in the small hours"]

    # A second run fails the same way and keeps the update.
    process_pending()
    assert PendingIndexUpdate.objects.get().attempts == 2


def test_queued_updates_are_applied_once_the_engine_is_back(guide, run_tasks):
    with override_settings(ELASTICSEARCH_URL=CLOSED, ELASTICSEARCH_TIMEOUT=1):
        run_tasks(guide.unpublish)
    assert PendingIndexUpdate.objects.count() == 1
    # Without an external engine configured (or with it back), the next run
    # applies and clears the queue.
    result = process_pending()
    assert (result.indexed, result.failed, result.remaining) == (1, 0, 0)


@pytest.mark.elasticsearch
def test_queued_updates_reach_elasticsearch_when_it_is_back(guide, run_tasks):
    from .conftest import elasticsearch_engine

    engine = elasticsearch_engine()
    try:
        with override_settings(ELASTICSEARCH_URL=CLOSED, ELASTICSEARCH_TIMEOUT=1):
            guide.title = "Bronchiolitis, queued"
            run_tasks(lambda: guide.save_revision().publish())
        assert PendingIndexUpdate.objects.count() == 1
        with override_settings(ELASTICSEARCH_URL=ES_URL, ELASTICSEARCH_INDEX=engine.alias):
            from search.engines import get_external_engine

            result = process_pending()
            assert (result.indexed, result.remaining) == (1, 0)
            hits = get_external_engine().search(SearchQuery(text="bronchiolitis")).hits
            assert [hit.title for hit in hits] == ["Bronchiolitis, queued"]
    finally:
        engine.delete_all()


def test_system_check_reports_an_unreachable_engine(db):
    assert external_engine_reachable() == []
    with override_settings(ELASTICSEARCH_URL=CLOSED, ELASTICSEARCH_TIMEOUT=1):
        warnings = external_engine_reachable()
    assert [w.id for w in warnings] == ["search.W001"]
    assert "127.0.0.1:9" in warnings[0].msg


def test_search_index_command_rebuilds_and_reports_status(guide):
    GuidePageFactory(title="Croup in the waiting room", slug="croup")  # published, not indexed
    out = io.StringIO()
    call_command("search_index", "status", stdout=out)
    assert "1 documents indexed, 2 published pages (1 missing, 0 not published)" in out.getvalue()
    assert "OUT OF STEP" in out.getvalue()

    out = io.StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert f"{get_embedded_engine().name}: 2 documents indexed." in out.getvalue()
    assert "Indexing" in out.getvalue()  # the progress bar
    assert found("croup") == ["Croup in the waiting room"]

    out = io.StringIO()
    call_command("search_index", "status", stdout=out)
    assert "2 documents indexed, 2 published pages (0 missing, 0 not published) - in step" in (
        out.getvalue()
    )
    assert "Queued updates: 0" in out.getvalue()


@override_settings(ELASTICSEARCH_URL=CLOSED, ELASTICSEARCH_TIMEOUT=1)
def test_search_index_status_fails_when_an_engine_is_unreachable(guide):
    out = io.StringIO()
    with pytest.raises(CommandError, match="cannot be reached"):
        call_command("search_index", "status", stdout=out)
    assert "UNREACHABLE" in out.getvalue()


def test_wagtail_admin_search_still_finds_pages(guide, superuser, client):
    client.force_login(superuser)
    response = client.get("/admin/pages/search/", {"q": "Bronchiolitis"})
    assert response.status_code == 200
    assert "Bronchiolitis at 3 a.m." in response.content.decode()


def test_no_engine_settings_leak_from_the_environment():
    # Site-level tests always use the embedded engine (curbside/settings/test.py).
    assert os.environ.get("ELASTICSEARCH_URL", "") == ES_URL
    from django.conf import settings

    assert settings.ELASTICSEARCH_URL == ""
