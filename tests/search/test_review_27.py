"""Review 27 of site search as a visitor meets it: what a learning path's
result may show of its steps."""

import json

from wagtail.models import PageViewRestriction

import pytest

from tests.factories import GuidePageFactory, LearningPathPageFactory
from tests.search.search_page import SEARCH, SUGGEST, html, reindex, result_titles

SECRET = "Zyxquorum"


def body(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


@pytest.fixture
def path_with_a_private_step(mentor_a):
    """A public path whose second step is restricted to a group's members
    after the path was published: only the path page's list of step titles
    names it; its summary is shown nowhere to a visitor."""
    open_step = GuidePageFactory(
        title="Handoffs that work", slug="handoffs", authors=[mentor_a], body=body("Handoffs.")
    )
    private_step = GuidePageFactory(
        title="Morbidity review of case 17",
        slug="mm-case-17",
        summary=f"{SECRET} infusion error on ward nine, with the nurse's account.",
        authors=[mentor_a],
        body=body(f"{SECRET} pump programming."),
    )
    LearningPathPageFactory(
        title="Safety essentials",
        slug="safety",
        max_credits=0,
        steps=[open_step, private_step],
    )
    PageViewRestriction.objects.create(
        page=private_step, restriction_type=PageViewRestriction.PASSWORD, password="m-and-m"
    )
    reindex()
    return private_step


def test_a_private_steps_summary_is_not_found_through_its_path(client, path_with_a_private_step):
    assert client.get("/guides/mm-case-17/").status_code == 200  # the password form
    assert SECRET not in client.get("/guides/mm-case-17/").content.decode()
    assert SECRET not in client.get("/paths/safety/").content.decode()

    page = html(client.get(SEARCH, {"q": SECRET.lower()}))
    assert result_titles(page) == []
    assert "infusion error" not in page
    # Nor offered as a spelling correction of a near miss.
    page = html(client.get(SEARCH, {"q": "zyxquorun"}))
    assert SECRET.lower() not in page.lower()
    assert client.get(SUGGEST, {"q": "zyxq"}).json()["suggestions"] == []


# --- an update Elasticsearch missed -------------------------------------------

CLOSED = "http://127.0.0.1:9"  # a real "connection refused"


@pytest.mark.elasticsearch
def test_a_page_made_private_while_elasticsearch_was_down_is_not_found_once_it_is_back(
    client, mentor_a, django_capture_on_commit_callbacks
):
    """The embedded index dropped the guide at once; Elasticsearch missed the
    removal and gets it only at the queued update's next retry (up to 30
    minutes apart, or the next change). Until then it must not answer."""
    from django.core.cache import cache
    from django.test import override_settings

    from search.indexing import rebuild
    from search.models import PendingIndexUpdate

    from .conftest import ES_URL, elasticsearch_engine

    engine = elasticsearch_engine()
    live = override_settings(ELASTICSEARCH_URL=ES_URL, ELASTICSEARCH_INDEX=engine.alias)
    try:
        guide = GuidePageFactory(
            title="Morbidity review of case 17",
            slug="mm-case-17",
            summary=f"{SECRET} infusion error on ward nine.",
            authors=[mentor_a],
            body=body(f"{SECRET} pump programming."),
        )
        with live:
            rebuild()
            assert result_titles(html(client.get(SEARCH, {"q": SECRET}))) == [guide.title]
        down = override_settings(ELASTICSEARCH_URL=CLOSED, ELASTICSEARCH_TIMEOUT=1)
        with down, django_capture_on_commit_callbacks(execute=True):
            PageViewRestriction.objects.create(
                page=guide, restriction_type=PageViewRestriction.LOGIN
            )
        assert PendingIndexUpdate.objects.get().attempts == 1
        cache.clear()  # the 30 s outage window has passed
        with live:
            page = html(client.get(SEARCH, {"q": SECRET}))
            assert result_titles(page) == []
            assert "infusion error" not in page
            assert client.get(SUGGEST, {"q": "morbid"}).json()["suggestions"] == []
    finally:
        engine.delete_all()
