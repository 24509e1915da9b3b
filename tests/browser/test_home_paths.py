"""Issue #14 item 10 in Chromium: the home page features the learning paths
with their credit and, for a signed-in learner, "Continue where you left off"
with one button that opens exactly the next step, on a phone and a desktop;
a guide opened on its own offers its step page (to mark it complete there,
below the activity's disclosure) and to continue the path.
No horizontal scrolling, no serious axe finding (AAA contrast included)."""

import re

import pytest

from learning.journey import progress, services
from tests.factories import (
    GuidePageFactory,
    LearnerFactory,
    LearningPathPageFactory,
    MentorFactory,
)

from .conftest import serious_violations
from .test_journey_experience import DESKTOP, PHONE, expect, session_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_paths_and_continue_take_the_learner_to_the_right_step(live_server, run_in_browser):
    mentor = MentorFactory(name="Amara Osei", credentials="MD")
    path = LearningPathPageFactory(
        title="Recognising sepsis",
        slug="sepsis",
        steps=[GuidePageFactory(slug=f"sepsis-step-{i}", authors=[mentor]) for i in range(4)],
    )
    LearningPathPageFactory(title="Safer handovers", slug="handovers", steps=2)
    learner = LearnerFactory(username="doctor-a")
    services.enrol(learner, path)
    guides = [step.guide for step in progress.path_steps(path)]
    services.complete_step(learner, path, guides[0].pk)
    cookie = session_cookie(live_server, learner)
    home = live_server.url + "/"
    second = live_server.url + f"{guides[1].url}?path=sepsis"
    third = live_server.url + f"{guides[2].url}?path=sepsis"

    def fits(page, size):
        return page.evaluate("document.documentElement.scrollWidth") <= size["width"]

    def scenario(page):
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            page.goto(home)
            paths = page.get_by_role("region", name="Learning paths with CME credit")
            card = paths.get_by_role("article").filter(has_text="Recognising sepsis")
            expect(card.get_by_role("link", name="Recognising sepsis")).to_be_visible()
            expect(card).to_contain_text("1.5 AMA PRA Category 1 Credits™")
            expect(card).to_contain_text(re.compile(r"Steps\s*4"))
            expect(card).to_contain_text("Amara Osei, MD")
            expect(card).to_contain_text("Offered now")
            expect(page.get_by_text("Continue where you left off")).to_have_count(0)
            assert fits(page, size), size
            assert serious_violations(page) == [], ("anonymous", size)

        page.context.add_cookies([cookie])
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            page.goto(home)
            resume = page.get_by_role("region", name="Continue where you left off")
            expect(resume).to_contain_text("Up next: step 2 of 4")
            button = resume.get_by_role(
                "link", name=re.compile(r"^Continue with step 2\s*: Recognising sepsis$")
            )
            expect(button).to_be_visible()
            assert fits(page, size), size
            assert serious_violations(page) == [], ("learner", size)
            button.click()
            expect(page).to_have_url(second)
            expect(page.get_by_role("heading", level=1)).to_have_text(guides[1].title)
            expect(page.get_by_text("Step 2 of 4").first).to_be_visible()

        # The same guide opened on its own still offers the path.
        page.goto(live_server.url + guides[1].url)
        box = page.get_by_role("complementary", name="Part of your learning path")
        expect(box).to_contain_text("This guide is step 2 of 4 of Recognising sepsis")
        assert serious_violations(page) == [], "guide box"
        # It is marked complete on the step page, below the activity's disclosure.
        box.get_by_role(
            "link", name=re.compile("^Read it as step 2 of 4 to mark it complete")
        ).click()
        expect(page).to_have_url(second)
        progress_bar = page.get_by_role("complementary", name="Learning path progress")
        progress_bar.get_by_role("button", name="Mark complete and continue").click()
        expect(page).to_have_url(third)
        page.goto(home)
        expect(page.get_by_role("region", name="Continue where you left off")).to_contain_text(
            "Up next: step 3 of 4"
        )
        assert page.console_errors == []

    run_in_browser(scenario)
