"""The site's shell and guide content as a reader sees them, on a phone
(390 x 844) and a desktop: each guide block drawn once, a compact header
with a menu button (with and without JavaScript), search results before the
filters on a phone, every filter value visible, the footer at the bottom of
short pages, and log-in pages in the site's own words."""

import json
import re

import pytest
from playwright.sync_api import expect

from search.documents import all_documents
from search.engines import get_embedded_engine
from tests.factories import GuidePageFactory, MentorFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
SPECIALTIES = [
    "Anesthesiology", "Cardiology", "Dermatology", "Emergency medicine", "Endocrinology",
    "Gastroenterology", "Geriatrics", "Hospital medicine", "Nephrology", "Neurology",
    "Oncology", "Pediatrics", "Psychiatry", "Pulmonology",
]  # fmt: skip


@pytest.fixture
def guide():
    mentor = MentorFactory(name="Helen Test", specialty="Hospital medicine")
    body = [
        {"type": "paragraph", "value": "<h2>Why this matters</h2><p>Delirium is common.</p>"},
        {
            "type": "vignette",
            "value": {
                "title": "A quiet patient on a busy night",
                "presentation": "<p>A 78-year-old man is more sleepy than usual.</p>",
                "question": "What would you want to know?",
                "discussion": "<p>Hypoactive delirium is easy to miss.</p>",
            },
        },
        {"type": "pearl", "value": {"title": "Clinical pearl", "text": "<p>Ask the nurse.</p>"}},
    ]
    return GuidePageFactory(
        title="Delirium at night", slug="delirium", authors=[mentor], body=json.dumps(body)
    )


@pytest.fixture
def many_results():
    mentor = MentorFactory(name="Sam Patel", specialty="Pediatrics")
    for index, specialty in enumerate(SPECIALTIES):
        GuidePageFactory(
            title=f"Sepsis in {specialty.lower()}",
            slug=f"sepsis-{index}",
            summary="Early signs of sepsis and when to escalate.",
            authors=[mentor],
            specialties=[specialty],
        )
    get_embedded_engine().rebuild(all_documents())


def boxes(page, selector):
    """[(width, border widths, font family)] of each element matching selector."""
    return page.eval_on_selector_all(
        selector,
        """els => els.map(el => {
            const s = getComputedStyle(el);
            return [el.getBoundingClientRect().width, s.borderTopWidth, s.fontFamily];
        })""",
    )


def test_each_guide_block_is_boxed_once_on_a_phone(live_server, run_in_browser, guide):
    def scenario(page):
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/guides/delirium/")
        body_width = page.locator(".guide-body").bounding_box()["width"]
        # No box inside a box: nothing in the guide body with a block's class
        # holds another element of a block's class.
        nested = page.eval_on_selector_all(
            ".guide-body [class^='block-'] [class^='block-']:not([class*='__'])",
            "els => els.length",
        )
        assert nested == 0
        (vignette,) = boxes(page, ".guide-body .block-vignette")
        assert vignette[1] == "1px"
        assert vignette[0] >= body_width - 1  # the card spans the column
        text_width = page.locator(".block-vignette__title").bounding_box()["width"]
        assert text_width >= body_width - 2 * 24  # only the card's own padding
        (pearl,) = boxes(page, ".guide-body .block-pearl")
        assert "Source Serif" not in pearl[2]  # callouts in the interface font
        assert serious_violations(page) == []
        assert page.console_errors == []

    run_in_browser(scenario)


def test_phone_header_is_compact_with_a_menu_button(live_server, run_in_browser, guide):
    def scenario(page):
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/guides/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 0.12 * PHONE["height"]
        nav_link = page.get_by_role("navigation", name="Main").get_by_role("link").first
        expect(nav_link).to_be_hidden()
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav_link).to_be_visible()
        expect(page.get_by_role("link", name="Log in")).to_be_visible()
        expect(
            page.get_by_role("combobox", name="Search guides and learning paths")
        ).to_be_visible()
        assert serious_violations(page) == []
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(nav_link).to_be_hidden()

        page.set_viewport_size({"width": 1280, "height": 800})
        expect(menu).to_be_hidden()
        expect(nav_link).to_be_visible()
        assert page.console_errors == []

    run_in_browser(scenario)


def test_phone_menu_works_without_javascript(live_server, run_in_browser, guide):
    def scenario(page):
        browser = page.context.browser
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        try:
            plain = context.new_page()
            plain.goto(live_server.url + "/guides/")
            assert plain.locator(".site-header").bounding_box()["height"] <= 0.12 * PHONE["height"]
            plain.get_by_role("link", name="Menu").click()
            expect(plain.get_by_role("link", name="Log in")).to_be_visible()
            plain.get_by_role("link", name="Close the menu").click()
            expect(plain.get_by_role("link", name="Log in")).to_be_hidden()
        finally:
            context.close()

    run_in_browser(scenario)


def test_phone_search_shows_results_before_the_filters(live_server, run_in_browser, many_results):
    def scenario(page):
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/search/?q=sepsis")
        first = page.locator(".search-result").first.bounding_box()
        assert first["y"] + 40 <= PHONE["height"]  # its title shows on the first screen
        specialty = page.get_by_role("group", name="Specialty")
        expect(specialty).to_be_hidden()
        page.get_by_text("Filter results").click()
        expect(specialty.get_by_label(re.compile("Pulmonology"))).to_be_visible()
        assert serious_violations(page) == []
        assert page.console_errors == []

    run_in_browser(scenario)


def test_every_filter_value_is_visible_without_a_scroll_box(
    live_server, run_in_browser, many_results
):
    def scenario(page):
        page.goto(live_server.url + "/search/?q=sepsis")
        specialty = page.get_by_role("group", name="Specialty")
        expect(specialty).to_be_visible()
        values = specialty.locator(".facet__values")
        clipped = values.evaluate("el => el.scrollHeight > el.clientHeight + 1")
        assert not clipped
        for name in SPECIALTIES:
            label = specialty.get_by_label(re.compile(f"^{name}"))
            label.scroll_into_view_if_needed()
            expect(label).to_be_in_viewport()
        assert serious_violations(page) == []

    run_in_browser(scenario)


def test_the_footer_sits_at_the_bottom_of_a_short_page(live_server, run_in_browser):
    def scenario(page):
        page.set_viewport_size({"width": 1280, "height": 1200})
        page.goto(live_server.url + "/certificates/verify/")
        footer = page.locator(".site-footer").bounding_box()
        assert abs(footer["y"] + footer["height"] - 1200) <= 1
        page.get_by_role("link", name="Verify a certificate").click()
        page.wait_for_url("**/certificates/verify/")

    run_in_browser(scenario)


def test_log_in_and_sign_up_use_the_sites_words(live_server, run_in_browser):
    def scenario(page):
        page.goto(live_server.url + "/accounts/login/")
        assert page.title() == "Log in | Curbside"
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
        expect(page.get_by_label("E-mail", exact=True)).to_be_visible()
        expect(page.get_by_label("Password", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        assert "Sign In" not in page.content() and "Login:" not in page.content()
        assert serious_violations(page) == []

        page.goto(live_server.url + "/accounts/signup/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
        expect(page.get_by_label("E-mail", exact=True)).to_be_visible()
        expect(page.get_by_label("Password", exact=True)).to_be_visible()
        expect(page.get_by_label("Password again", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Sign up")).to_be_visible()
        assert serious_violations(page) == []

    run_in_browser(scenario)
