"""The Content Security Policy blocks nothing the site needs: Chromium reports
no violation on the public pages (anonymous and signed in, the search box's
suggestions included) nor in the Wagtail admin's page editor and its preview."""

import re

import pytest

from learning.journey import progress, services
from search.documents import all_documents
from search.engines import get_embedded_engine
from tests.factories import (
    GuidePageFactory,
    LearningPathPageFactory,
    MentorFactory,
    MentorUserFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture
def site_content():
    author = MentorUserFactory(username="csp-mentor")
    mentor = MentorFactory(user=author, name="Helen Okafor", slug="helen-okafor")
    guide = GuidePageFactory(
        title="Negotiating your first contract",
        slug="first-contract",
        authors=[mentor],
        owner=author,
    )
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=3)
    learner = UserFactory(username="csp-learner")
    services.enrol(learner, path)
    services.complete_step(learner, path, progress.path_steps(path)[0].guide_id)
    get_embedded_engine().rebuild(all_documents())
    return {"guide": guide, "path": path}


def watch_csp(page):
    violations = []
    page.on(
        "console",
        lambda msg: (
            "Content Security Policy" in msg.text and violations.append(f"{page.url}: {msg.text}")
        ),
    )
    return violations


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def sign_out(page, base):
    page.goto(base + "/me/")
    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_load_state("networkidle")


def test_public_pages_and_admin_run_without_csp_violations(
    live_server, run_in_browser, site_content
):
    guide_id = site_content["guide"].id
    base = live_server.url
    seen = {}

    def scenario(page):
        violations = watch_csp(page)

        response = page.goto(base + "/")
        seen["public_policy"] = response.headers.get("content-security-policy", "")
        for url in ["/guides/first-contract/", "/paths/", "/paths/sepsis/"]:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")

        # The search box's suggestions (cms/static/js/search-combobox.js).
        page.goto(base + "/search/")
        box = page.get_by_role("combobox").first
        box.click()
        box.press_sequentially("negot", delay=40)
        page.get_by_role("option", name=re.compile("Negotiating your first contract")).wait_for()

        # A learner's progress bar and dashboard.
        sign_in(page, base, "csp-learner")
        for url in ["/paths/sepsis/", "/me/"]:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
        seen["progress"] = page.get_by_role("progressbar").first.get_attribute("aria-valuenow")
        sign_out(page, base)

        # A mentor in the Wagtail admin: dashboard, explorer, the page editor
        # with its live preview panel, the image library.
        sign_in(page, base, "csp-mentor")
        response = page.goto(base + "/admin/")
        seen["admin_policy"] = response.headers.get("content-security-policy", "")
        seen["admin_title"] = page.title()
        page.goto(base + f"/admin/pages/{guide_id}/edit/")
        page.wait_for_load_state("networkidle")
        seen["editor_title"] = page.title()
        page.locator("[data-side-panel-toggle='preview']").first.click()
        preview = page.frame_locator("iframe[title='Preview']").first
        preview.get_by_role("heading", name="Negotiating your first contract").first.wait_for()
        page.goto(base + "/admin/images/")
        page.wait_for_load_state("networkidle")
        # Seeing the site signed in as an editor (the Wagtail user bar).
        page.goto(base + "/guides/first-contract/")
        page.wait_for_load_state("networkidle")

        seen["violations"] = violations

    run_in_browser(scenario)

    assert seen["violations"] == []
    assert "script-src 'self'" in seen["public_policy"]
    assert "unsafe-inline" not in seen["public_policy"]
    assert "frame-ancestors 'none'" in seen["public_policy"]
    assert "unsafe-inline" in seen["admin_policy"]  # Wagtail's editor needs it
    assert seen["progress"] == "1"
    assert "Dashboard" in seen["admin_title"]
    assert seen["editor_title"].startswith("Editing")
