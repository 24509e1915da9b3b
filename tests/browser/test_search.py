"""Searching in a real browser: the search box's suggestions work with the
keyboard and the mouse, the results page filters, and axe-core finds no
serious accessibility violations on the page or with the suggestions open."""

import re

import pytest
from playwright.sync_api import expect

from cms.models import Topic
from search.documents import all_documents
from search.engines import get_embedded_engine
from tests.factories import GuidePageFactory, MentorFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BOX_NAME = "Search guides and learning paths"


@pytest.fixture
def content():
    helen = MentorFactory(name="Helen Okafor", slug="helen-okafor", specialty="Emergency medicine")
    sam = MentorFactory(name="Sam Patel", slug="sam-patel", specialty="Pediatrics")
    GuidePageFactory(
        title="Recognising sepsis in the emergency department",
        slug="sepsis-ed",
        summary="Early signs of sepsis and when to escalate.",
        authors=[helen],
        specialties=["Emergency medicine"],
    )
    GuidePageFactory(
        title="Sepsis in children: the quiet deterioration",
        slug="sepsis-children",
        summary="Why sepsis in children is easy to miss.",
        audience_level="student",
        authors=[sam],
        specialties=["Pediatrics"],
    )
    GuidePageFactory(
        title="Negotiating your first contract",
        slug="first-contract",
        summary="What to ask for before you sign your first job offer.",
        topic=Topic.CAREER,
        authors=[sam],
    )
    get_embedded_engine().rebuild(all_documents())


def listbox_of(page, combobox):
    return page.locator("#" + combobox.get_attribute("aria-controls"))


def test_header_suggestions_with_the_keyboard(live_server, run_in_browser, content):
    def scenario(page):
        page.goto(live_server.url + "/guides/")
        box = page.get_by_role("combobox", name=BOX_NAME)
        assert box.get_attribute("aria-expanded") == "false"
        box.click()
        box.press_sequentially("negot", delay=40)
        option = page.get_by_role("option", name=re.compile("Negotiating your first contract"))
        option.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        assert box.get_attribute("aria-autocomplete") == "list"
        status = page.locator("[data-combobox] [aria-live=polite]").first
        assert status.inner_text() == "1 suggestion available, use up and down arrows to review it"
        assert serious_violations(page) == []

        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
        assert option.get_attribute("aria-selected") == "true"
        assert page.evaluate("document.activeElement.id") == box.get_attribute("id")
        box.press("Enter")
        page.wait_for_url("**/guides/first-contract/")
        assert page.console_errors == []

    run_in_browser(scenario)


def test_escape_closes_then_clears_and_enter_searches(live_server, run_in_browser, content):
    def scenario(page):
        page.goto(live_server.url + "/search/")
        box = page.get_by_role("combobox", name=BOX_NAME)
        listbox = listbox_of(page, box)
        box.fill("seps")
        page.get_by_role("option").first.wait_for()
        assert page.get_by_role("option").count() == 2
        assert serious_violations(page) == []

        box.press("ArrowDown")
        box.press("ArrowDown")
        box.press("ArrowDown")  # wraps to the first
        first = page.get_by_role("option").first
        assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")

        box.press("Escape")
        assert listbox.is_hidden()
        assert box.get_attribute("aria-expanded") == "false"
        assert box.get_attribute("aria-activedescendant") is None
        assert box.input_value() == "seps"
        box.press("Escape")
        assert box.input_value() == ""

        # Tabbing away closes the list too.
        box.fill("sepsis")
        first.wait_for()
        box.press("Tab")
        assert listbox.is_hidden()

        # Enter with no suggestion chosen searches.
        box.focus()
        box.press("Enter")
        page.wait_for_url("**/search/?q=sepsis")
        expect(page.get_by_role("heading", name="2 results for “sepsis”")).to_be_visible()
        assert page.console_errors == []

    run_in_browser(scenario)


def test_clicking_a_suggestion_opens_it(live_server, run_in_browser, content):
    def scenario(page):
        page.goto(live_server.url + "/search/")
        box = page.get_by_role("combobox", name=BOX_NAME)
        box.fill("sepsis in chi")
        page.get_by_role("option", name=re.compile("Sepsis in children")).click()
        page.wait_for_url("**/guides/sepsis-children/")

    run_in_browser(scenario)


def test_results_page_filters_and_is_accessible(live_server, run_in_browser, content):
    def scenario(page):
        page.goto(live_server.url + "/search/?q=sepsis")
        results = page.locator(".search-result__title")
        assert results.count() == 2
        assert page.locator(".search-result__title mark").count() >= 2
        assert serious_violations(page) == []

        page.get_by_role("group", name="Specialty").get_by_label(re.compile("Pediatrics")).check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"specialty=pediatrics"))
        assert results.all_inner_texts() == ["Sepsis in children: the quiet deterioration"]
        assert page.get_by_role(
            "heading", name="1 result for “sepsis” with your filters"
        ).is_visible()
        assert page.get_by_label(re.compile("Pediatrics")).is_checked()
        assert serious_violations(page) == []

        page.get_by_role("link", name="Clear filters").click()
        page.wait_for_url("**/search/?q=sepsis")
        assert results.count() == 2

        page.goto(live_server.url + "/search/")
        assert serious_violations(page) == []
        page.goto(live_server.url + "/search/?q=xylophone")
        assert serious_violations(page) == []
        assert page.console_errors == []

    run_in_browser(scenario)


def test_search_works_without_javascript(live_server, run_in_browser, content):
    def scenario(page):
        page.route("**/*.js", lambda route: route.abort())
        page.goto(live_server.url + "/guides/")
        box = page.get_by_role("searchbox", name=BOX_NAME)
        box.fill("contract")
        box.press("Enter")
        page.wait_for_url("**/search/?q=contract")
        assert page.locator(".search-result__title").all_inner_texts() == [
            "Negotiating your first contract"
        ]

    run_in_browser(scenario)
