"""Issue #14 in Chromium: the path's primary action on a phone's first screen,
"Log in to enrol" then sign up landing enrolled, the post-test's question
cards and missing answer, the Likert labels, a reloaded result, and the time
zone guessed from the browser."""

import json
import re

from django.core import mail
from django.test import Client

import pytest

from learning.journey import progress, services
from learning.models import Enrolment, TestAttempt
from tests.factories import LearnerFactory, LearningPathPageFactory, UserFactory, correct_answers
from tests.factories.paths import post_test_json

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "Stethoscope-Lantern-42"
LONG_PROMPT = (
    "A 67-year-old man on day 3 after a bowel resection has a temperature of 38.6 °C, a heart "
    "rate of 118, a respiratory rate of 24 and new confusion; his lactate is 3.1 mmol/L and his "
    "blood pressure is 96/58 mmHg. Which is the most appropriate first step?"
)


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def path():
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=6)


def session_cookie(live_server, user):
    """A signed-in session for ``user``, made in the test's thread (the browser
    thread must not use the ORM), as a cookie for the browser."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def at_post_test(learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)


def test_the_path_action_is_on_a_phones_first_screen(live_server, run_in_browser, path):
    learner = LearnerFactory(username="doctor-a")
    services.enrol(learner, path)
    cookie = session_cookie(live_server, learner)
    url = live_server.url + path.url

    def scenario(page):
        page.set_viewport_size(PHONE)
        for button in (
            page.get_by_role("button", name="Log in to enrol"),
            page.get_by_role("link", name="Start", exact=True),
        ):
            page.goto(url)
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box["y"] + box["height"] <= PHONE["height"], box
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            assert serious_violations(page) == []
            page.context.add_cookies([cookie])
        # On a desktop the action stays in the side panel, once.
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        expect(page.get_by_role("link", name="Start", exact=True)).to_have_count(1)
        panel = page.get_by_role("complementary", name="Your progress")
        expect(panel.get_by_role("link", name="Start", exact=True)).to_be_visible()

    run_in_browser(scenario)


def test_signing_up_from_log_in_to_enrol_lands_on_the_path_enrolled(
    live_server, run_in_browser, path
):
    email = "new.doctor@example.org"
    url = live_server.url + path.url

    def scenario(page):
        page.goto(url)
        page.get_by_role("button", name="Log in to enrol").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        # The sign-up link of the log-in form (it keeps ?next=, as the header's does).
        page.locator('main a[href^="/accounts/signup/?next="]').click()
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password1]").fill(PASSWORD)
        page.locator("input[name=password2]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        expect(page).to_have_url(live_server.url + "/accounts/confirm-email/")
        (message,) = [m for m in mail.outbox if m.to == [email]]
        link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
        page.goto(live_server.url + link)
        page.get_by_role("button", name="Confirm").click()
        expect(page).to_have_url(url)
        expect(page.get_by_text("You are enrolled in “Recognising sepsis”")).to_be_visible()
        expect(page.get_by_role("link", name="Start", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("enrol", re.I))).to_have_count(0)

    run_in_browser(scenario)
    assert Enrolment.objects.filter(user__email=email, path=path).count() == 1


def test_post_test_cards_hold_their_questions_and_a_missing_answer_takes_the_focus(
    live_server, run_in_browser
):
    questions = json.loads(post_test_json())
    questions[0]["value"]["prompt"] = LONG_PROMPT
    path = LearningPathPageFactory(
        title="Recognising sepsis", slug="sepsis", steps=2, post_test=json.dumps(questions)
    )
    learner = LearnerFactory(username="doctor-a")
    at_post_test(learner, path)
    cookie = session_cookie(live_server, learner)
    url = live_server.url + path.url + "test/"
    inside = """(fieldset) => {
        const legend = fieldset.querySelector('legend').getBoundingClientRect();
        const box = fieldset.getBoundingClientRect();
        const style = getComputedStyle(fieldset);
        return legend.top >= box.top + parseFloat(style.borderTopWidth)
            && legend.bottom <= box.bottom && legend.left >= box.left && legend.right <= box.right;
    }"""

    def scenario(page):
        page.context.add_cookies([cookie])
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            page.goto(url)
            questions = page.locator("fieldset.quiz__question")
            expect(questions.first).to_contain_text("Which is the most appropriate first step?")
            for index in range(questions.count()):
                assert questions.nth(index).evaluate(inside), (size, index)
        # Question 2 left unanswered: the error links to it and it has the focus.
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        page.get_by_role("group", name=re.compile(r"^Question 1\b")).get_by_label(
            "Right", exact=True
        ).check()
        page.get_by_role("group", name=re.compile(r"^Question 3\b")).get_by_label(
            "Right", exact=True
        ).check()
        page.get_by_role("button", name="Submit answers").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Answer question 2 before you submit.")
        second = page.get_by_role("group", name=re.compile(r"^Question 2\b"))
        expect(second.get_by_role("checkbox").first).to_be_focused()
        expect(second).to_have_accessible_description("Choose an answer to this question.")
        alert.get_by_role("link").click()
        expect(second.get_by_role("checkbox").first).to_be_focused()
        assert serious_violations(page) == []

    run_in_browser(scenario)
    assert not TestAttempt.objects.exists()


def test_reloading_a_result_records_no_attempt_and_likert_labels_stay_whole(
    live_server, run_in_browser, path
):
    learner = LearnerFactory(username="doctor-a")
    at_post_test(learner, path)
    cookie = session_cookie(live_server, learner)
    base = live_server.url + path.url
    answers = correct_answers(path)
    one_line = """(label) => {
        const range = document.createRange();
        range.selectNodeContents(label);
        return range.getClientRects().length;
    }"""

    def scenario(page):
        page.context.add_cookies([cookie])
        page.set_viewport_size(DESKTOP)
        page.goto(base + "test/")
        for number in range(1, len(answers) + 1):
            page.get_by_role("group", name=re.compile(rf"^Question {number}\b")).get_by_label(
                "Wrong", exact=True
            ).check()
        page.get_by_role("button", name="Submit answers").click()
        expect(page).to_have_url(base + "test/result/")
        for _ in range(2):
            page.reload()
            expect(page.get_by_role("status")).to_contain_text("Attempt 1 is recorded")
        expect(page.get_by_role("status")).to_contain_text("0 of 3 questions right")
        expect(page.get_by_text("The pass mark is 70%")).to_be_visible()
        assert serious_violations(page) == []
        page.get_by_role("link", name="Try again").click()
        expect(page.get_by_text("You have made 1 attempt;")).to_be_visible()
        for number, label in enumerate(["Right", "Also right", "Right"], start=1):
            group = page.get_by_role("group", name=re.compile(rf"^Question {number}\b"))
            group.get_by_label(label, exact=True).check()
            if label == "Also right":
                group.get_by_label("Right", exact=True).check()
        page.get_by_role("button", name="Submit answers").click()
        # Reload only once the redirect to the result has landed (reloading
        # while the POST is in flight detaches the page).
        expect(page.get_by_role("status")).to_contain_text("You passed on attempt 2")
        page.reload()
        expect(page.get_by_role("status")).to_contain_text("You passed on attempt 2")
        expect(page.get_by_text("Your answer: Right; Also right")).to_be_visible()

        page.get_by_role("link", name="Continue to the evaluation").click()
        # Count only once the evaluation has loaded (the click returns before
        # the navigation ends; CI once counted the result page's none).
        expect(page).to_have_url(base + "evaluation/")
        labels = page.locator(".rating label")
        expect(labels).to_have_count(5)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            assert labels.count() == 5
            for index in range(5):
                assert labels.nth(index).evaluate(one_line) == 1, (size, index)
        assert serious_violations(page) == []

    run_in_browser(scenario)
    attempts = TestAttempt.objects.filter(enrolment__user=learner).order_by("number")
    assert [a.passed for a in attempts] == [False, True]


def test_a_new_profile_guesses_the_time_zone_from_the_browser(live_server, run_in_browser):
    newcomer = UserFactory(username="newcomer", email="newcomer@example.org")
    cookie = session_cookie(live_server, newcomer)
    url = live_server.url + "/me/profile/"

    def scenario(page):
        browser = page.context.browser
        chicago = browser.new_context(timezone_id="America/Chicago", viewport=DESKTOP)
        tab = chicago.new_page()
        chicago.add_cookies([cookie])
        tab.goto(url)
        expect(tab.get_by_label("Time zone", exact=True)).to_have_value("America/Chicago")
        expect(tab.get_by_text("We guessed your time zone from your browser")).to_be_visible()
        month = tab.get_by_role("group", name=re.compile("Month and day of birth"))
        month.get_by_label("Month", exact=True).select_option("March")
        month.get_by_label("Day", exact=True).select_option("14")
        assert serious_violations(tab) == []
        # Without JavaScript the form still works: UTC, and no note.
        plain = browser.new_context(java_script_enabled=False, timezone_id="Asia/Tokyo")
        plain.add_cookies([cookie])
        static = plain.new_page()
        static.goto(url)
        expect(static.get_by_label("Time zone", exact=True)).to_have_value("UTC")
        expect(static.get_by_text("We guessed your time zone")).to_be_hidden()

    run_in_browser(scenario)
