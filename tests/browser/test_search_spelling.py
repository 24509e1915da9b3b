"""A misspelt search in a real browser: the results of the correction, a
plain way back to the words as typed, and no serious accessibility
violations, at desktop and phone sizes."""

import os

import pytest
from playwright.sync_api import expect

from cms.models import Topic
from search.documents import all_documents
from search.engines import get_embedded_engine
from tests.factories import GuidePageFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def content():
    GuidePageFactory(
        title="Recognising and responding to burnout early",
        slug="burnout-early",
        summary="Exhaustion, cynicism and doubt: what to notice in yourself and colleagues.",
        topic=Topic.CAREER,
    )
    get_embedded_engine().rebuild(all_documents())


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_misspelling_shows_results_for_the_correction(live_server, run_in_browser, content, size):
    def scenario(page):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(live_server.url + "/search/?q=burnot")
        corrected = page.locator(".search-corrected")
        expect(corrected).to_have_text("Showing results for burnout. Search instead for burnot.")
        expect(page.locator(".search-result__title")).to_have_text(
            ["Recognising and responding to burnout early"]
        )
        assert serious_violations(page) == []
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/search-corrected-{size[0]}.png", full_page=True)

        corrected.get_by_role("link", name="burnot").click()
        page.wait_for_url("**as_typed=1**")
        expect(page.locator(".search-suggestion")).to_have_text("Did you mean burnout?")
        expect(page.locator(".search-result__title")).to_have_count(0)
        assert page.console_errors == []

    run_in_browser(scenario)
