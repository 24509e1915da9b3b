"""A CME reviewer opens the admin in Chromium: allauth's log-in, the
two-factor code from their authenticator, the admin. The two-factor and
rate-limit pages pass axe and the site's Content-Security-Policy."""

import re
import time

import pytest

from curbside.security import totp_code
from tests.factories import ReviewerFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


def current_code(secret):
    if time.time() % 30 > 25:  # typing takes a moment: use the next window
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_code(secret)


def test_reviewer_logs_in_with_a_code_and_reaches_the_admin(live_server, run_in_browser):
    secret = ReviewerFactory(username="ruth").totp_secret
    seen = {}

    def scenario(page):
        page.goto(live_server.url + "/admin/pages/")
        assert page.url == live_server.url + "/accounts/login/?next=/admin/pages/"
        page.get_by_label("E-mail", exact=True).fill("ruth")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("heading", name="Two-factor authentication").wait_for()
        seen["axe"] = serious_violations(page)

        page.get_by_label("Authenticator code").fill(
            "000000" if totp_code(secret) != "000000" else "1"
        )
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Incorrect code.", exact=True).wait_for()

        page.get_by_label("Authenticator code").fill(current_code(secret))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(re.escape(live_server.url) + r"/admin/pages/"))
        seen["console"] = list(page.console_errors)

    run_in_browser(scenario)
    assert seen["axe"] == []
    assert seen["console"] == []


def test_rate_limit_page_is_a_normal_accessible_page(live_server, run_in_browser):
    seen = {}

    def scenario(page):
        for n in range(11):
            page.goto(live_server.url + "/accounts/login/")
            page.get_by_label("E-mail", exact=True).fill(f"nobody{n}")
            page.get_by_label("Password", exact=True).fill("wrong-password-here")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
        page.get_by_role("heading", name="Too many attempts").wait_for()
        seen["axe"] = serious_violations(page)
        # Chromium reports the 429 status itself; anything else (CSP) is a bug.
        seen["console"] = [e for e in page.console_errors if "status of 429" not in e]

    run_in_browser(scenario)
    assert seen["axe"] == []
    assert seen["console"] == []
