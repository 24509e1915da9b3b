"""A new learner signs up and walks a whole learning path in a real browser:
enrol, three guide steps, a failed then a passed post-test, the evaluation,
the profile the certificate needs, two rejected claims and an accepted one,
and the result on "My learning". No console errors, no serious axe findings."""

import decimal
import re

from django.contrib.auth import get_user_model
from django.core import mail

import pytest

from learning.models import (
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    StepCompletion,
    TestAttempt,
)
from tests.factories import LearningPathPageFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "maya.chen@example.org"
PASSWORD = "Stethoscope-Lantern-42"
FULL_NAME = "Maya R. Chen"
STEPS = 3


@pytest.fixture
def path():
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=STEPS)


# --- Helpers: each runs in the browser thread and touches only the page ------


def sign_up(page, base):
    """Sign up, open the confirmation link from the email (the live server
    runs in this process, so its emails are in ``mail.outbox``), confirm."""
    page.goto(base + "/accounts/signup/")
    page.get_by_label("E-mail", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(base + "/accounts/confirm-email/")
    (message,) = [m for m in mail.outbox if m.to == [EMAIL]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(base + link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1, name="My learning")).to_be_visible()


def step_bar(page):
    """The path bar of a guide opened from a path. The guide shows it twice,
    above and below the text, as two identically named landmarks: use the first."""
    return page.get_by_role("complementary", name="Learning path progress").first


def question(page, number):
    """The fieldset of post-test or evaluation question ``number``."""
    return page.get_by_role("group", name=re.compile(rf"^Question {number}\b"))


def answer_post_test(page, choices):
    """``choices``: for each question, the labels of the choices to tick."""
    for number, labels in enumerate(choices, start=1):
        for label in labels:
            question(page, number).get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", level=1, name="Post-test result")).to_be_visible()


def claim(page, credits, *, attest):
    page.get_by_label(re.compile(r"^Credits claimed")).fill(credits)
    page.get_by_label(re.compile(r"^I claim only the credit")).set_checked(attest)
    page.get_by_role("button", name="Claim credit and complete the path").click()


def expect(target):
    """Playwright's ``expect``, imported late like the conftest does, so that
    collecting this module needs no Playwright."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


# --- The journey ---------------------------------------------------------------


def test_new_learner_completes_a_path_and_claims_credit(live_server, run_in_browser, path):
    base = live_server.url
    path_url = base + path.url
    claim_url = path_url + "claim/"
    step_url = re.compile(r"/guides/.+\?path=sepsis$")

    def scenario(page):
        failed_responses = []
        page.on(
            "response",
            lambda r: (
                r.status >= 400 and failed_responses.append((r.request.method, r.url, r.status))
            ),
        )

        # 1. Sign up and confirm the address: allauth logs the new user in and
        # shows "My learning".
        sign_up(page, base)

        # 2. Enrol: the learner lands on the first step straight away.
        page.goto(path_url)
        page.get_by_role("button", name="Enrol in this path").click()
        expect(page).to_have_url(step_url)
        expect(page.get_by_text("You are enrolled in")).to_be_visible()
        expect(step_bar(page)).to_contain_text("Step 1 of 3")

        # Back on the path page, "Start" leads to the same first step.
        page.goto(path_url)
        expect(page.get_by_text("0 of 3 steps complete")).to_be_visible()
        page.get_by_role("link", name="Start", exact=True).click()
        expect(page).to_have_url(step_url)

        for number in range(1, STEPS + 1):
            expect(step_bar(page)).to_contain_text(f"Step {number} of {STEPS}")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                f"Recognising sepsis guide {number}"
            )
            step_bar(page).get_by_role("button", name="Mark complete and continue").click()
            if number < STEPS:
                expect(step_bar(page)).to_contain_text(f"Step {number + 1} of {STEPS}")

        # 3. The post-test opens; a wrong attempt first.
        expect(page).to_have_url(path_url + "test/")
        expect(page.get_by_text("Every step is complete: the post-test is open.")).to_be_visible()
        expect(page.get_by_role("heading", level=1, name="Post-test")).to_be_visible()
        expect(question(page, 2)).to_contain_text("(select all that apply)")
        assert serious_violations(page) == [], "post-test"
        answer_post_test(page, [["Wrong"], ["Wrong"], ["Wrong"]])
        expect(page.get_by_role("status")).to_contain_text("Not passed this time")

        page.get_by_role("link", name="Try again").click()
        expect(page.get_by_text("You have made 1 attempt;")).to_be_visible()
        answer_post_test(page, [["Right"], ["Right", "Also right"], ["Right"]])
        expect(page.get_by_role("status")).to_contain_text("You passed")
        expect(page.get_by_role("status")).to_contain_text("on attempt 2")

        # 4. The evaluation.
        page.get_by_role("link", name="Continue to the evaluation").click()
        expect(page.get_by_role("heading", level=1, name="Evaluation")).to_be_visible()
        assert serious_violations(page) == [], "evaluation"
        question(page, 1).get_by_label("Agree", exact=True).check()
        page.get_by_label(re.compile("What was most useful")).fill("The sepsis checklist.")
        question(page, 3).get_by_label("Yes", exact=True).check()
        page.get_by_label("If yes, how will you change it?").fill("Screen for sepsis at triage.")
        page.get_by_role("button", name="Submit evaluation").click()

        # 5. Claim: the certificate needs a name first.
        expect(page).to_have_url(claim_url)
        expect(page.get_by_text("Thank you: your evaluation helps")).to_be_visible()
        assert serious_violations(page) == [], "claim"
        page.get_by_role("link", name="Complete your profile").click()
        expect(page.get_by_role("heading", level=1, name="Your profile")).to_be_visible()
        page.get_by_label(re.compile(r"^Full name as printed on certificates")).fill(FULL_NAME)
        page.get_by_label("Credentials", exact=True).fill("MD")
        page.get_by_label(re.compile(r"^Profession and degree")).select_option("md")
        page.get_by_label("Time zone", exact=True).select_option("America/Chicago")
        page.get_by_role("button", name="Save profile").click()
        expect(page).to_have_url(claim_url)
        expect(page.get_by_text("Your profile is saved.")).to_be_visible()
        expect(page.get_by_text(f"Your certificate will read: {FULL_NAME}, MD")).to_be_visible()

        claim(page, "5", attest=True)
        # The error is in the summary (role=alert) and next to the field, which
        # points at it with aria-describedby.
        expect(page.get_by_role("alert")).to_contain_text("You can claim at most 1.5 credits")
        credits_field = page.get_by_label(re.compile(r"^Credits claimed"))
        expect(credits_field).to_have_attribute("aria-describedby", "id_credits_error")
        expect(page.locator("#id_credits_error")).to_contain_text("at most 1.5 credits")
        expect(page).to_have_url(claim_url)

        claim(page, "1.25", attest=False)
        expect(page.locator("#id_attested_error")).to_contain_text(
            "Tick the box to confirm the credit you claim."
        )
        expect(page.get_by_text("You can claim at most 1.5 credits")).to_have_count(0)
        expect(page).to_have_url(claim_url)

        claim(page, "1.25", attest=True)
        expect(page).to_have_url(path_url)
        expect(page.get_by_text("Path complete: you claimed credit")).to_be_visible()
        expect(page.get_by_text("You completed this path")).to_contain_text("claimed 1.25 credits")

        # 6. "My learning" lists the completed path and the credits.
        page.goto(base + "/me/")
        row = page.get_by_role("row").filter(has_text="Recognising sepsis")
        expect(row).to_contain_text("1.25")
        expect(page.get_by_text(re.compile(r"Credits claimed in \d{4}: 1\.25"))).to_be_visible()
        expect(page.get_by_text("Nothing in progress.")).to_be_visible()

        # 7. No console errors anywhere on the way. The rejected claims are
        # answered with 400 on purpose (tests/learning/test_bad_input.py), and
        # Chromium logs every 4xx document as a console error: those two, and
        # nothing else, are expected.
        assert failed_responses == [("POST", claim_url, 400)] * 2
        bad_request = "Failed to load resource: the server responded with a status of 400"
        assert [e for e in page.console_errors if not e.startswith(bad_request)] == []
        assert len(page.console_errors) == 2

    run_in_browser(scenario)

    user = get_user_model().objects.get(email=EMAIL)
    enrolment = Enrolment.objects.get(user=user, path=path)
    assert enrolment.completed_at is not None
    assert StepCompletion.objects.filter(enrolment=enrolment).count() == STEPS
    attempts = list(TestAttempt.objects.filter(enrolment=enrolment).order_by("number"))
    assert [(a.number, a.passed) for a in attempts] == [(1, False), (2, True)]
    assert EvaluationResponse.objects.filter(enrolment=enrolment).count() == 1
    claim_record = CreditClaim.objects.get(enrolment=enrolment)
    assert claim_record.credits == decimal.Decimal("1.25")
    assert claim_record.attested
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.full_name, profile.credentials, profile.time_zone) == (
        FULL_NAME,
        "MD",
        "America/Chicago",
    )
