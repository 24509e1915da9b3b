"""A reader opens the home page, follows a guide link, and meets no console
errors and no serious accessibility violations (axe-core, WCAG 2.2 AA)."""

import pytest

from cms.models import HomeFeaturedGuide, HomePage
from tests.factories import GuidePageFactory, MentorFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def content():
    mentor = MentorFactory(
        name="Helen Test",
        credentials="MD",
        specialty="Palliative care",
        relationships=[("Acme", "consultant")],
    )
    guides = [
        GuidePageFactory(
            title=f"Leading a family meeting, part {i}",
            slug=f"family-meeting-{i}",
            authors=[mentor],
            specialties=["Palliative care"],
        )
        for i in range(1, 4)
    ]
    HomeFeaturedGuide.objects.create(page=HomePage.objects.get(), guide=guides[0], sort_order=0)
    return guides


def test_home_to_guide_without_errors_and_accessible(live_server, run_in_browser, content):
    mentor_path = f"/mentors/{content[0].author_mentors[0].slug}/"

    def scenario(page):
        page.goto(live_server.url + "/")
        assert page.title().startswith("Mentorship learning paths")
        assert serious_violations(page) == []

        page.get_by_role("link", name="Leading a family meeting, part 1").first.click()
        page.wait_for_url("**/guides/family-meeting-1/")
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == "Leading a family meeting, part 1"
        assert page.get_by_text("Acme: Consultant").is_visible()
        assert serious_violations(page) == []

        for path in ["/guides/", "/mentors/", mentor_path, "/privacy/"]:
            page.goto(live_server.url + path)
            assert serious_violations(page) == [], path
        assert page.console_errors == []

    run_in_browser(scenario)


def test_keyboard_user_can_skip_to_content(live_server, run_in_browser, content):
    def scenario(page):
        page.goto(live_server.url + "/guides/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

    run_in_browser(scenario)
